//! A table of real Vietnamese sentences: each must give exactly the listed findings (rule id
//! and char offsets in the NFC text) — and nothing else, so every row also guards against
//! false positives.

use crate::{desk, lead_only};
use byline_desk::{Desk, Field, Settings, ToneStyle};
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug)]
enum Style {
    New,
    Old,
}
use Style::{New, Old};

struct Case {
    name: &'static str,
    text: &'static str,
    style: Style,
    want: &'static [(&'static str, usize, usize)],
}

fn old_desk() -> &'static Desk {
    static DESK: OnceLock<Desk> = OnceLock::new();
    DESK.get_or_init(|| {
        let settings = Settings {
            tone_style: ToneStyle::Old,
            ..Settings::default()
        };
        Desk::new(settings).expect("old-style desk")
    })
}

fn words_desk() -> &'static Desk {
    static DESK: OnceLock<Desk> = OnceLock::new();
    DESK.get_or_init(|| {
        let mut d = Desk::new(Settings::default()).expect("desk");
        d.add_word_list("# names filed this week\nThanh Hà\nCảnh Toàn\nO’Neill\nTP.Vinh\n")
            .expect("word list");
        d
    })
}

const CASES: &[Case] = &[
    Case {
        name: "a date and a place name are clean",
        text: "Sáng 18/6, đoàn công tác đã làm việc với LĐLĐ tỉnh Nghệ An.",
        style: New,
        want: &[],
    },
    Case {
        name: "a time and a full date are not punctuation errors",
        text: "Lúc 12:17 ngày 18/6/2024, hội nghị bắt đầu.",
        style: New,
        want: &[],
    },
    Case {
        name: "thousands and decimals need no space after the separator",
        text: "Giá trị xuất khẩu đạt 1.000 tỷ đồng, tăng 3,5% so với cùng kỳ.",
        style: New,
        want: &[],
    },
    Case {
        name: "a URL keeps its dots colons and slashes",
        text: "Xem chi tiết tại https://baonghean.vn/tin-tuc.html nhé.",
        style: New,
        want: &[],
    },
    Case {
        name: "an e-mail address is left alone",
        text: "Liên hệ qua toasoan@baonghean.vn để biết thêm.",
        style: New,
        want: &[],
    },
    Case {
        name: "TP.HCM is an abbreviation not a missing space",
        text: "Người dân TP.HCM đón năm mới.",
        style: New,
        want: &[],
    },
    Case {
        name: "a quotation closed before the full stop is balanced",
        text: "Ông nói: “Chúng tôi sẽ làm tốt hơn”.",
        style: New,
        want: &[],
    },
    Case {
        name: "a question inside a quotation is balanced",
        text: "Bà ấy hỏi: “Vì sao?”",
        style: New,
        want: &[],
    },
    Case {
        name: "single curly quotes that pair up are balanced",
        text: "Chị gọi đó là ‘nhà chung’ của cả xóm.",
        style: New,
        want: &[],
    },
    Case {
        name: "brackets that pair up are balanced",
        text: "Kết quả (xem bảng dưới) rất khả quan.",
        style: New,
        want: &[],
    },
    Case {
        name: "three dots are an ellipsis not a repetition",
        text: "Họ chờ đợi... rồi ra về.",
        style: New,
        want: &[],
    },
    Case {
        name: "a lone ellipsis character is fine",
        text: "Anh ấy im lặng… rồi cười.",
        style: New,
        want: &[],
    },
    Case {
        name: "question and exclamation together are allowed",
        text: "Thật sao?! Không thể tin được.",
        style: New,
        want: &[],
    },
    Case {
        name: "plain numbers are not spelling mistakes",
        text: "Hội nghị lần thứ 15 diễn ra trong 2 ngày.",
        style: New,
        want: &[],
    },
    Case {
        name: "new style syllables pass under the new style",
        text: "Đây là hòa bình, thúy và hóa học, khỏe mạnh.",
        style: New,
        want: &[],
    },
    Case {
        name: "old style syllables pass under the old style",
        text: "Đây là hoà bình, khoẻ mạnh và hoá học.",
        style: Old,
        want: &[],
    },
    Case {
        name: "syllables with a final consonant are the same in both styles",
        text: "Hoàng hôn trên sông thật đẹp, lời thuyết phục.",
        style: New,
        want: &[],
    },
    Case {
        name: "final consonant syllables pass under the old style too",
        text: "Hoàng hôn trên sông thật đẹp, lời thuyết phục.",
        style: Old,
        want: &[],
    },
    Case {
        name: "qu and gi belong to the onset",
        text: "Quý khách vui lòng chờ, già trẻ đều vui.",
        style: New,
        want: &[],
    },
    Case {
        name: "qu and gi pass under the old style too",
        text: "Quý khách vui lòng chờ, già trẻ đều vui.",
        style: Old,
        want: &[],
    },
    Case {
        name: "oai and uya are not affected by the style",
        text: "Ngoài trời mưa to, khuya rồi.",
        style: New,
        want: &[],
    },
    Case {
        name: "a lone NBSP between number and unit may be deliberate",
        text: "Đường dài 18\u{a0}km.",
        style: New,
        want: &[],
    },
    Case {
        name: "a single tab between words is not a double space",
        text: "Tên\tTuổi",
        style: New,
        want: &[],
    },
    Case {
        name: "consistent compounds are fine",
        text: "Sự nghiệp CNH-HĐH đất nước; CNH-HĐH là mục tiêu.",
        style: New,
        want: &[],
    },
    Case {
        name: "number ranges are not dash compounds",
        text: "Giai đoạn 2010 – 2024 và 2010-2024 đều tăng.",
        style: New,
        want: &[],
    },
    Case {
        name: "a list marker closes no bracket",
        text: "a) Thu hút đầu tư",
        style: New,
        want: &[],
    },
    Case {
        name: "a list with numbers closes no bracket",
        text: "1) Nâng cao hiệu quả",
        style: New,
        want: &[],
    },
    Case {
        name: "paired straight quotes are balanced",
        text: "Cái gọi là \"đổi mới\" đã thành công.",
        style: New,
        want: &[],
    },
    Case {
        name: "an apostrophe inside a name is not a quote",
        text: "Ông O’Neill đến thăm Hà Nội.",
        style: New,
        want: &[],
    },
    Case {
        name: "names in the word list pass spelling",
        text: "Nhà báo Thanh Hà và Cảnh Toàn đến Nghệ An.",
        style: New,
        want: &[],
    },
    Case {
        name: "all caps abbreviations in the word list pass",
        text: "UBND tỉnh và HĐND tỉnh họp cùng CNVCLĐ.",
        style: New,
        want: &[],
    },
    Case {
        name: "uppercase Vietnamese words pass spelling",
        text: "NGHỊ QUYẾT SỐ 20 CỦA BAN CHẤP HÀNH TRUNG ƯƠNG",
        style: New,
        want: &[],
    },
    Case {
        name: "a new style capital syllable passes",
        text: "Hòa Bình là một tỉnh miền núi.",
        style: New,
        want: &[],
    },
    Case {
        name: "ellipsis then question mark is allowed",
        text: "Sao lại thế…?",
        style: New,
        want: &[],
    },
    Case {
        name: "v.v. is an abbreviation",
        text: "Thu hút đầu tư, đào tạo nghề, v.v. đều được chú trọng.",
        style: New,
        want: &[],
    },
    Case {
        name: "a colon before a quotation is fine",
        text: "Trong đó khẳng định: sau 15 năm, Nghị quyết đã đi vào cuộc sống.",
        style: New,
        want: &[],
    },
    Case {
        name: "semicolons with spaces are fine",
        text: "Lao động có việc làm; thu nhập ổn định; đời sống cải thiện.",
        style: New,
        want: &[],
    },
    Case {
        name: "a percent and a comma decimal are fine",
        text: "Tỷ lệ hộ nghèo giảm còn 2,5%.",
        style: New,
        want: &[],
    },
    Case {
        name: "a time with h is a number token",
        text: "Cuộc họp kéo dài từ 8h đến 11h30.",
        style: New,
        want: &[],
    },
    Case {
        name: "a nested quotation is balanced",
        text: "Ông kể: “Họ gọi đó là ‘mùa vàng’ của làng”.",
        style: New,
        want: &[],
    },
    Case {
        name: "two ordinary spaces are a double space",
        text: "Tại hội nghị  này.",
        style: New,
        want: &[("double-space", 12, 14)],
    },
    Case {
        name: "space then NBSP is a double space",
        text: "để \u{a0}khảo sát",
        style: New,
        want: &[("double-space", 2, 4)],
    },
    Case {
        name: "NBSP then space is a double space",
        text: "để\u{a0} khảo sát",
        style: New,
        want: &[("double-space", 2, 4)],
    },
    Case {
        name: "two NBSPs are a double space",
        text: "để\u{a0}\u{a0}khảo sát",
        style: New,
        want: &[("double-space", 2, 4)],
    },
    Case {
        name: "three spaces are one finding",
        text: "Tổng   Liên đoàn",
        style: New,
        want: &[("double-space", 4, 7)],
    },
    Case {
        name: "narrow NBSP and space are a double space",
        text: "giai cấp\u{202f} công nhân",
        style: New,
        want: &[("double-space", 8, 10)],
    },
    Case {
        name: "tab and space are a double space",
        text: "Tên\t Tuổi",
        style: New,
        want: &[("double-space", 3, 5)],
    },
    Case {
        name: "an em space and a space are a double space",
        text: "công\u{2003} nhân",
        style: New,
        want: &[("double-space", 4, 6)],
    },
    Case {
        name: "two runs are two findings",
        text: "Tại  hội nghị  này.",
        style: New,
        want: &[("double-space", 3, 5), ("double-space", 13, 15)],
    },
    Case {
        name: "a trailing space is reported",
        text: "Nghị quyết đã đi vào cuộc sống. ",
        style: New,
        want: &[("trailing-space", 31, 32)],
    },
    Case {
        name: "a trailing NBSP is reported",
        text: "Nghị quyết đã đi vào cuộc sống.\u{a0}",
        style: New,
        want: &[("trailing-space", 31, 32)],
    },
    Case {
        name: "a trailing space and NBSP run is one trailing finding",
        text: "sản xuất. \u{a0}",
        style: New,
        want: &[("trailing-space", 9, 11)],
    },
    Case {
        name: "a leading space is reported",
        text: " Sáng 18/6, trời mưa.",
        style: New,
        want: &[("leading-space", 0, 1)],
    },
    Case {
        name: "a leading NBSP is reported",
        text: "\u{a0}Sáng 18/6, trời mưa.",
        style: New,
        want: &[("leading-space", 0, 1)],
    },
    Case {
        name: "space before a full stop",
        text: "có liên quan .",
        style: New,
        want: &[("space-before-punctuation", 12, 13)],
    },
    Case {
        name: "space before a comma",
        text: "Tại hội nghị , đoàn đã làm việc.",
        style: New,
        want: &[("space-before-punctuation", 12, 13)],
    },
    Case {
        name: "space before a colon",
        text: "Trong đó khẳng định : sau 15 năm.",
        style: New,
        want: &[("space-before-punctuation", 19, 20)],
    },
    Case {
        name: "space before a semicolon",
        text: "lao động ; các chính sách",
        style: New,
        want: &[("space-before-punctuation", 8, 9)],
    },
    Case {
        name: "space before a question mark",
        text: "Vì sao ?",
        style: New,
        want: &[("space-before-punctuation", 6, 7)],
    },
    Case {
        name: "space before an exclamation mark",
        text: "Tuyệt vời !",
        style: New,
        want: &[("space-before-punctuation", 9, 10)],
    },
    Case {
        name: "space before an ellipsis",
        text: "sản xuất …",
        style: New,
        want: &[("space-before-punctuation", 8, 9)],
    },
    Case {
        name: "NBSP before a full stop",
        text: "có liên quan\u{a0}.",
        style: New,
        want: &[("space-before-punctuation", 12, 13)],
    },
    Case {
        name: "double space before a comma is one punctuation finding",
        text: "hội nghị  , đoàn",
        style: New,
        want: &[("space-before-punctuation", 8, 10)],
    },
    Case {
        name: "space before a closing bracket",
        text: "Kết quả (xem bảng )",
        style: New,
        want: &[("space-before-punctuation", 17, 18)],
    },
    Case {
        name: "space after an opening bracket",
        text: "Kết quả ( xem bảng)",
        style: New,
        want: &[("space-inside-brackets", 9, 10)],
    },
    Case {
        name: "a comma glued to the next word",
        text: "Hà Nội,Hải Phòng và Nghệ An.",
        style: New,
        want: &[("missing-space-after-punctuation", 6, 7)],
    },
    Case {
        name: "a full stop glued to a capital",
        text: "đất nước.Tại hội nghị, đoàn đã làm việc.",
        style: New,
        want: &[("missing-space-after-punctuation", 8, 9)],
    },
    Case {
        name: "a semicolon glued to the next word",
        text: "việc làm;nhà ở cho công nhân",
        style: New,
        want: &[("missing-space-after-punctuation", 8, 9)],
    },
    Case {
        name: "a colon glued to the next word",
        text: "khẳng định:sau 15 năm",
        style: New,
        want: &[("missing-space-after-punctuation", 10, 11)],
    },
    Case {
        name: "a question mark glued to the next word",
        text: "Vì sao?Không ai biết.",
        style: New,
        want: &[("missing-space-after-punctuation", 6, 7)],
    },
    Case {
        name: "an ellipsis glued to a capital",
        text: "sản xuất…Tại hội nghị",
        style: New,
        want: &[("missing-space-after-punctuation", 8, 9)],
    },
    Case {
        name: "a domain-like lowercase after a dot is not flagged",
        text: "trang baonghean.vn đưa tin",
        style: New,
        want: &[],
    },
    Case {
        name: "a capitalised abbreviation before a dot is not flagged",
        text: "Tp.HCM và TP.Vinh",
        style: New,
        want: &[],
    },
    Case {
        name: "two full stops",
        text: "có liên quan..",
        style: New,
        want: &[("repeated-punctuation", 12, 14)],
    },
    Case {
        name: "an ellipsis and a full stop",
        text: "sản xuất….",
        style: New,
        want: &[("repeated-punctuation", 8, 10)],
    },
    Case {
        name: "four dots",
        text: "sản xuất....",
        style: New,
        want: &[("repeated-punctuation", 8, 12)],
    },
    Case {
        name: "two commas",
        text: "Tại hội nghị,, đoàn",
        style: New,
        want: &[("repeated-punctuation", 12, 14)],
    },
    Case {
        name: "two exclamation marks",
        text: "Tuyệt vời!!",
        style: New,
        want: &[("repeated-punctuation", 9, 11)],
    },
    Case {
        name: "three exclamation marks are one finding",
        text: "Tuyệt vời!!!",
        style: New,
        want: &[("repeated-punctuation", 9, 12)],
    },
    Case {
        name: "two question marks",
        text: "Thật sao??",
        style: New,
        want: &[("repeated-punctuation", 8, 10)],
    },
    Case {
        name: "a colon and a full stop",
        text: "như sau:.",
        style: New,
        want: &[("repeated-punctuation", 7, 9)],
    },
    Case {
        name: "an opening curly quote never closed",
        text: "về “Tiếp tục xây dựng giai cấp công nhân",
        style: New,
        want: &[("unbalanced-quotes", 3, 4)],
    },
    Case {
        name: "a closing curly quote never opened",
        text: "Tiếp tục xây dựng” giai cấp",
        style: New,
        want: &[("unbalanced-quotes", 17, 18)],
    },
    Case {
        name: "an odd straight quote",
        text: "Cái gọi là \"đổi mới đã thành công.",
        style: New,
        want: &[("unbalanced-quotes", 11, 12)],
    },
    Case {
        name: "an opening single quote never closed",
        text: "Chị gọi đó là ‘nhà chung của cả xóm.",
        style: New,
        want: &[("unbalanced-quotes", 14, 15)],
    },
    Case {
        name: "an opening bracket never closed",
        text: "Kết quả (xem bảng dưới rất khả quan.",
        style: New,
        want: &[("unbalanced-brackets", 8, 9)],
    },
    Case {
        name: "a closing bracket never opened",
        text: "Kết quả xem bảng dưới) rất khả quan.",
        style: New,
        want: &[("unbalanced-brackets", 21, 22)],
    },
    Case {
        name: "two opening quotes and one closing leave the first open",
        text: "“Một “hai” ba",
        style: New,
        want: &[("unbalanced-quotes", 0, 1)],
    },
    Case {
        name: "a square bracket never closed",
        text: "Theo [nguồn tin",
        style: New,
        want: &[("unbalanced-brackets", 5, 6)],
    },
    Case {
        name: "the same compound with two dash forms",
        text: "đẩy mạnh CNH-HĐH và CNH – HĐH đất nước",
        style: New,
        want: &[("inconsistent-dash", 20, 29)],
    },
    Case {
        name: "hyphen then en dash without spaces",
        text: "Hà Nội-Hải Phòng, Nội–Hải",
        style: New,
        want: &[("inconsistent-dash", 18, 25)],
    },
    Case {
        name: "a spaced hyphen differs from a tight one",
        text: "tuyến Vinh-Cửa Lò và Vinh - Cửa",
        style: New,
        want: &[("inconsistent-dash", 21, 31)],
    },
    Case {
        name: "a zero-width space",
        text: "Đảng\u{200b} ủy",
        style: New,
        want: &[("invisible-char", 4, 5)],
    },
    Case {
        name: "a byte order mark inside text",
        text: "Nghị\u{feff}quyết",
        style: New,
        want: &[("invisible-char", 4, 5)],
    },
    Case {
        name: "a control character",
        text: "công\u{7} nhân",
        style: New,
        want: &[("invisible-char", 4, 5)],
    },
    Case {
        name: "a soft hyphen",
        text: "công\u{ad}nhân viên",
        style: New,
        want: &[("invisible-char", 4, 5)],
    },
    Case {
        name: "decomposed text is flagged as not NFC",
        text: "Nghi\u{323} quye\u{302}\u{301}t so\u{302}\u{301} 20",
        style: New,
        want: &[("not-nfc", 3, 13)],
    },
    Case {
        name: "decomposed text with a double space gives both findings",
        text: "Nghi\u{323} quye\u{302}\u{301}t  so\u{302}\u{301} 20",
        style: New,
        want: &[("not-nfc", 3, 14), ("double-space", 10, 12)],
    },
    Case {
        name: "one decomposed letter in composed text",
        text: "Nghi\u{323} quyết",
        style: New,
        want: &[("not-nfc", 3, 4)],
    },
    Case {
        name: "old style hoà under the new style",
        text: "Hoà bình và phát triển",
        style: New,
        want: &[("tone-style", 0, 3)],
    },
    Case {
        name: "old style thuý under the new style",
        text: "Chị Thuý đến muộn.",
        style: New,
        want: &[("tone-style", 4, 8)],
    },
    Case {
        name: "old style khoẻ and uỷ under the new style",
        text: "sức khoẻ của cấp uỷ",
        style: New,
        want: &[("tone-style", 4, 8), ("tone-style", 17, 19)],
    },
    Case {
        name: "new style hòa under the old style",
        text: "Hòa bình và phát triển",
        style: Old,
        want: &[("tone-style", 0, 3)],
    },
    Case {
        name: "new style ủy under the old style",
        text: "các cấp ủy đảng",
        style: Old,
        want: &[("tone-style", 8, 10)],
    },
    Case {
        name: "old style in decomposed input is still found",
        text: "Hoa\u{300} bi\u{300}nh",
        style: New,
        want: &[("tone-style", 0, 3), ("not-nfc", 2, 6)],
    },
    Case {
        name: "upper case old style is found",
        text: "HOÀ BÌNH",
        style: New,
        want: &[("tone-style", 0, 3)],
    },
    Case {
        name: "a misspelt syllable",
        text: "Thực hiện nghị quyêt của Đảng.",
        style: New,
        want: &[("spelling", 15, 20)],
    },
    Case {
        name: "a doubled consonant",
        text: "giai cấp cônng nhân",
        style: New,
        want: &[("spelling", 9, 14)],
    },
    Case {
        name: "a real syllable with another tone is not a spelling error",
        text: "Hội nghỉ đã diễn ra.",
        style: New,
        want: &[],
    },
    Case {
        name: "a made up word",
        text: "Công nhân xaang việc.",
        style: New,
        want: &[("spelling", 10, 15)],
    },
    Case {
        name: "an unknown abbreviation is reported as an unknown name",
        text: "Đoàn của XYZQ đến thăm.",
        style: New,
        want: &[("unknown-name", 9, 13)],
    },
    Case {
        name: "an unknown capitalised name is reported as an unknown name",
        text: "Ông Smithers đến thăm.",
        style: New,
        want: &[("unknown-name", 4, 12)],
    },
    Case {
        name: "a brand with an inner capital is an unknown name not a misspelling",
        text: "Anh dùng iPhone mỗi ngày.",
        style: New,
        want: &[("unknown-name", 9, 15)],
    },
    Case {
        name: "single letters are initials and units",
        text: "Ông Nguyễn Văn A nói nhiệt độ lên 37 độ C, Đ/c Hùng đồng ý.",
        style: New,
        want: &[],
    },
    Case {
        name: "common school and health abbreviations are in the default word list",
        text: "Trường THPT và THCS cùng Sở GD&ĐT nhắc học sinh đóng BHYT.",
        style: New,
        want: &[],
    },
    Case {
        name: "a misspelling in a quotation is still found with the quote balanced",
        text: "Ông nói: “Tôi khôngg biết”.",
        style: New,
        want: &[("spelling", 14, 20)],
    },
];

#[test]
fn the_table_has_over_a_hundred_sentences() {
    assert!(
        CASES.len() >= 100,
        "the brief asks for at least 100 cases, have {}",
        CASES.len()
    );
}

#[test]
fn every_sentence_gives_exactly_its_findings() {
    let mut failures = Vec::new();
    for case in CASES {
        let desk = match case.style {
            New => words_desk(),
            Old => old_desk(),
        };
        let a = lead_only(case.text);
        let mut got: Vec<(&str, usize, usize)> = desk
            .check(&a)
            .iter()
            .filter(|f| f.field == Field::Lead)
            .map(|f| (f.rule.id(), f.start, f.end))
            .collect();
        got.sort_by_key(|&(r, s, e)| (s, e, r));
        let mut want = case.want.to_vec();
        want.sort_by_key(|&(r, s, e)| (s, e, r));
        if got != want {
            failures.push(format!(
                "{} ({:?}): want {want:?}, got {got:?}",
                case.name, case.text
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn the_default_desk_without_the_extra_names_still_accepts_the_plain_sentences() {
    // The shared default desk knows the built-in abbreviations; plain Vietnamese needs nothing else.
    let a = lead_only("Sáng 18/6, đoàn công tác của Tổng Liên đoàn đã làm việc với LĐLĐ tỉnh.");
    assert!(
        desk().check(&a).iter().all(|f| f.field != Field::Lead),
        "nothing to report in a clean lead"
    );
}

#[test]
fn fixing_any_sentence_leaves_no_fixable_finding_and_a_second_fix_changes_nothing() {
    for case in CASES {
        let settings = match case.style {
            New => Settings::default(),
            Old => old_desk().settings().clone(),
        };
        let once = byline_desk::fix(&lead_only(case.text), &settings);
        let left: Vec<_> = byline_desk::check_typography(&once.article, &settings)
            .into_iter()
            .filter(|f| f.fixable)
            .map(|f| (f.rule, f.start))
            .collect();
        assert!(
            left.is_empty(),
            "{}: fix left {left:?} in {:?}",
            case.name,
            once.article.lead
        );
        let twice = byline_desk::fix(&once.article, &settings);
        assert!(
            !twice.changed,
            "{}: second fix reported {:?}",
            case.name, twice.applied
        );
        assert_eq!(
            twice.article, once.article,
            "{}: fix is idempotent",
            case.name
        );
    }
}
