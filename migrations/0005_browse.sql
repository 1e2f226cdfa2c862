-- Orders of the app's library grid: each page is read through an index
-- rather than by sorting every clip (100k clips, paged while scrolling).
CREATE INDEX clip_added ON clip(added_at, id);
CREATE INDEX clip_duration ON clip(duration_ms, id);
