//! Checks a generated 5,000-word Vietnamese story with every rule, spelling included: this runs
//! on every pause in typing, so the goal is well under 20 ms.

use byline_desk::{Desk, Settings, fix};
use byline_protocol::{Article, Block, BlockKind};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const SENTENCES: &[&str] = &[
    "Sáng 18/6, đoàn công tác của Tổng Liên đoàn Lao động Việt Nam đã có buổi làm việc với LĐLĐ tỉnh Nghệ An.",
    "Tại hội nghị, các đại biểu đã trao đổi, thảo luận về định hướng, mục tiêu và nhiệm vụ trong thời gian tới.",
    "Nghị quyết đã tạo sự chuyển biến tích cực về nhận thức và hành động trong các cấp ủy đảng, chính quyền.",
    "Giá trị sản xuất đạt 1.000 tỷ đồng, tăng 3,5% so với cùng kỳ năm trước  và vượt kế hoạch đề ra.",
    "Các chính sách xã hội về lao động, việc làm được chỉ đạo thường xuyên, kịp thời , hiệu quả.",
    "Ông nói: “Chúng tôi sẽ tiếp tục hỗ trợ DN tháo gỡ khó khăn, nâng cao hiệu quả sản xuất, kinh doanh”.",
    "Công tác đào tạo nghề, giải quyết việc làm, nhà ở cho công nhân lao động được quan tâm đúng mức….",
    "Sự nghiệp CNH-HĐH đất nước đòi hỏi đội ngũ công nhân có trình độ, kỹ năng và sức khoẻ tốt.",
    "Lúc 12:17, đoàn khảo sát đã đến thăm một số doanh nghiệp ở khu công nghiệp Nam Cấm.",
    "Giai cấp cônng nhân Việt Nam ngày càng lớn mạnh cả về số lượng và chất lượng (theo báo cáo.",
];

fn story(words: usize) -> Article {
    let mut a =
        Article::new("Hội nghị khảo sát, đánh giá kết quả 15 năm thực hiện Nghị quyết số 20");
    a.lead = SENTENCES[0].to_owned();
    let mut count = 0;
    let mut para = String::new();
    let mut i = 0;
    while count < words {
        let s = SENTENCES[i % SENTENCES.len()];
        count += byline_text::word_count(s);
        if !para.is_empty() {
            para.push(' ');
        }
        para.push_str(s);
        i += 1;
        if i % 6 == 0 {
            a.blocks.push(Block::paragraph(std::mem::take(&mut para)));
            if i % 24 == 0 {
                a.blocks.push(Block::new(BlockKind::Figure {
                    photo_id: None,
                    caption: "Toàn cảnh hội nghị.".into(),
                    credit: String::new(),
                    src: None,
                }));
            }
        }
    }
    if !para.is_empty() {
        a.blocks.push(Block::paragraph(para));
    }
    a
}

fn bench(c: &mut Criterion) {
    let desk = Desk::new(Settings::default()).expect("desk with the system dictionary");
    assert!(
        desk.dictionary_error().is_none(),
        "install hunspell-vi to benchmark spelling"
    );
    let a = story(5_000);
    let words: usize = a
        .blocks
        .iter()
        .map(|b| byline_text::word_count(b.text()))
        .sum();
    eprintln!(
        "story: {words} words in {} blocks, {} findings",
        a.blocks.len(),
        desk.check(&a).len()
    );
    c.bench_function("check 5000-word story, all rules incl. spelling", |b| {
        b.iter(|| desk.check_all(black_box(&a), &Default::default()))
    });
    c.bench_function("fix 5000-word story", |b| {
        b.iter(|| fix(black_box(&a), desk.settings()))
    });
    c.bench_function("load dictionary and build desk", |b| {
        b.iter(|| Desk::new(Settings::default()).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
