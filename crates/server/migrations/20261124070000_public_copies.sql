-- The public copy of a photo (caption embedded, GPS removed by policy) is a blob of its own in
-- `DIR/public/`, named by its SHA-256; NULL while the original is what the public gets.
ALTER TABLE photo_meta ADD COLUMN public_sha256 TEXT;
