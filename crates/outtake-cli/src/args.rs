//! The command line's grammar (clap): every command and option `outtake` takes.
//! Long because it is the whole grammar in one place: each command's help text
//! sits beside its fields, and `only_reads` must see every command at once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Outtake: your library of behind-the-scenes and making-of clips.
///
/// Shows, people, tags, clips and markers are named by #id or by any of their
/// names or aliases (김유정, "Kim Yoo Jung" and "kim yoo-jung" are one person).
/// Times are written 83.5, 1:23 or 01:01:23.500.
#[derive(Debug, Parser)]
#[command(name = "outtake", version, max_term_width = 100)]
pub struct Cli {
    /// The library file [default: $OUTTAKE_LIBRARY, else <data dir>/outtake/library.db]
    #[arg(long, global = true, value_name = "FILE")]
    pub library: Option<PathBuf>,

    /// Make a new, empty library at --library if there is none (without it, a
    /// --library that does not exist is an error, so a typo never makes a library)
    #[arg(long, global = true)]
    pub create: bool,

    #[command(subcommand)]
    pub command: Command,
}

impl Command {
    /// True when the command only reads the library: it is then opened
    /// read-only, so a library on a read-only disk can still be listed,
    /// searched and exported.
    pub fn only_reads(&self) -> bool {
        match self {
            Command::Show(c) => matches!(c, ShowCommand::List { .. } | ShowCommand::Show { .. }),
            Command::Episode(c) => matches!(c, EpisodeCommand::List { .. }),
            Command::Scene(c) => matches!(c, SceneCommand::List { .. }),
            Command::Person(c) => matches!(c, PersonCommand::List { .. } | PersonCommand::Show { .. }),
            Command::Role(c) => matches!(c, RoleCommand::List { .. }),
            Command::Clip(c) => matches!(c, ClipCommand::List { .. } | ClipCommand::Show { .. }),
            Command::Tags(c) => matches!(c, TagsCommand::List { .. }),
            Command::Marker(c) => matches!(c, MarkerCommand::List { .. }),
            Command::Folder(c) => matches!(c, FolderCommand::List { .. }),
            Command::Search { save, query, .. } => save.is_none() && !query.iter().any(|w| w == "--save"),
            Command::Saved(c) => matches!(c, SavedCommand::List { .. } | SavedCommand::Run { .. }),
            Command::Reel(reel) => reel.save.is_none(),
            Command::Reels { .. } | Command::Cut(_) => true,
            Command::Problems { .. } | Command::Export { .. } | Command::Summary { .. } => true,
            Command::Cache { trim, limit, .. } => !trim && limit.is_none(),
            Command::History { keep, days, .. } => keep.is_none() && days.is_none(),
            Command::Undo { .. } | Command::Redo => false,
            Command::Duplicates { action, .. } => action.is_none(),
            Command::Credit { .. }
            | Command::Tag { .. }
            | Command::Untag { .. }
            | Command::Scan { .. }
            | Command::Watch { .. }
            | Command::Thumbnails { .. }
            | Command::ReadText { .. }
            | Command::Transcribe { .. }
            | Command::Keys { .. }
            // A dry run writes nothing, but it applies the pack in a
            // transaction it rolls back, to count exactly what would change.
            | Command::Pack(_)
            | Command::Import { .. } => false,
            Command::Completions { .. } | Command::Manpage => true,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Shows (series and films)
    #[command(subcommand)]
    Show(ShowCommand),
    /// Episodes of a show
    #[command(subcommand)]
    Episode(EpisodeCommand),
    /// Scenes of a show
    #[command(subcommand)]
    Scene(SceneCommand),
    /// People: actors, crew, hosts
    #[command(subcommand)]
    Person(PersonCommand),
    /// Who plays which character in a show
    #[command(subcommand)]
    Role(RoleCommand),
    /// Clips in the library
    #[command(subcommand)]
    Clip(ClipCommand),
    /// Say a person appears in a clip, optionally as a character
    Credit {
        clip: String,
        #[arg(add = crate::complete::names(crate::complete::Names::Person))]
        person: String,
        /// The character they play here
        #[arg(long = "as", value_name = "CHARACTER")]
        character: Option<String>,
    },
    /// Tag a clip (tags are created as needed: mood:emotional, type:blooper)
    Tag {
        clip: String,
        #[arg(add = crate::complete::names(crate::complete::Names::Tag), required = true)]
        tags: Vec<String>,
    },
    /// Remove tags from a clip
    Untag {
        clip: String,
        #[arg(add = crate::complete::names(crate::complete::Names::Tag), required = true)]
        tags: Vec<String>,
    },
    /// Manage tags: list, rename, alias, parent, merge, remove
    #[command(subcommand)]
    Tags(TagsCommand),
    /// Moments inside a clip
    #[command(subcommand)]
    Marker(MarkerCommand),
    /// Watched folders
    #[command(subcommand)]
    Folder(FolderCommand),
    /// Find clips and moments: words, "phrases", -word, OR, and filters show:, ep:3-5, scene:,
    /// cast:, as:, tag:, -tag:, lang:, in:subs|markers|titles|notes, dur:<60, added:>2026-01-01,
    /// is:missing|offline|untagged, sort:relevance|added|duration|title
    Search {
        /// The query (several words need no quotes)
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true, value_name = "QUERY")]
        query: Vec<String>,
        /// Most clips to show
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Also keep this query as a saved search under NAME
        #[arg(long, value_name = "NAME")]
        save: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Saved searches (smart collections)
    #[command(subcommand)]
    Saved(SavedCommand),
    /// Play every marker and subtitle line a search finds as one reel: write it as
    /// an M3U8 playlist (VLC), an mpv EDL, or one video with a chapter per moment;
    /// with no output, list its moments. Clips are only read
    Reel(ReelArgs),
    /// The saved reels
    Reels {
        #[command(flatten)]
        json: Json,
    },
    /// Cut one moment to share: a marker (#12) or CLIP@IN-OUT (#3@1:02-1:09.5)
    /// to FILE.mp4 (H.264/AAC), FILE.webp or FILE.gif (animated)
    Cut(CutArgs),
    /// Import new and changed clips from folders (yt-dlp downloads with their
    /// .info.json and subtitles, phone clips, rips); files are only read
    Scan {
        /// Folders to scan [default: the library's watched folders]
        #[arg(value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Do not make thumbnails after the scan
        #[arg(long)]
        no_thumbnails: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Scan folders, then keep importing as files arrive, move or vanish (Ctrl-C stops)
    Watch {
        /// Folders to watch [default: the library's watched folders]
        #[arg(value_name = "DIR")]
        dirs: Vec<PathBuf>,
    },
    /// Files that could not be imported, and why
    Problems {
        #[command(flatten)]
        json: Json,
    },
    /// Make missing thumbnails with ffmpeg: posters of clips, frames of
    /// markers, then storyboards (previews of each clip), with progress
    #[command(visible_alias = "storyboards")]
    Thumbnails {
        /// Posters and marker frames only
        #[arg(long)]
        no_storyboards: bool,
    },
    /// The thumbnail cache: its size, its limit, and trimming it (storyboards
    /// of the least recently viewed clips go first; posters are kept)
    Cache {
        /// Remove files of forgotten clips and evict storyboards down to the limit
        #[arg(long)]
        trim: bool,
        /// Set the cache's limit (e.g. 2G, 500M, 1.5GB; decimal units), then trim
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        limit: Option<u64>,
        #[command(flatten)]
        json: Json,
    },
    /// Read the captions burned into clips' pictures (Tesseract) and keep them
    /// as searchable lines; without CLIPS, the clips not read yet. Lines you
    /// edited are kept when a clip is read again
    ReadText {
        /// Clips to read (again), by #id or name
        #[arg(value_name = "CLIP", conflicts_with = "all")]
        clips: Vec<String>,
        /// Read every clip again
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Hear what is said in clips (whisper.cpp, with a model you downloaded:
    /// a ggml-*.bin file, see README) and keep it as searchable lines;
    /// without CLIPS, the clips not heard yet. Lines you edited are kept when
    /// a clip is heard again
    Transcribe {
        /// Clips to hear (again), by #id or name
        #[arg(value_name = "CLIP", conflicts_with = "all")]
        clips: Vec<String>,
        /// Hear every clip again
        #[arg(long)]
        all: bool,
        /// The whisper.cpp model file (default: speech_model in the settings)
        #[arg(long, value_name = "FILE")]
        model: Option<PathBuf>,
        /// The language spoken: ko, en or auto (default: speech_language in
        /// the settings, else auto: told from each clip's first speech)
        #[arg(long, value_name = "LANG", value_parser = |s: &str| s.parse::<outtake_core::speech::Spoken>())]
        language: Option<outtake_core::speech::Spoken>,
        #[command(flatten)]
        json: Json,
    },
    /// Make the content keys that find a clip again under another name or
    /// encoding (a picture hash and a sound fingerprint); without CLIPS, the
    /// clips that have none yet. Packs and duplicates use them
    Keys {
        /// Clips to make keys for (again), by #id or name
        #[arg(value_name = "CLIP", conflicts_with = "all")]
        clips: Vec<String>,
        /// Make every clip's keys again
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Packs: a show's curation (people, roles, scenes, tags, credits and
    /// markers) shared with other fans without the videos, and found again
    /// on their copies by content (run `outtake keys` first)
    #[command(subcommand)]
    Pack(PackCommand),
    /// Clips that look like one video: the same download or file, a re-encode
    /// (picture and length), or one whose sound is inside the other's (an
    /// intro added, a compilation). Needs content keys (`outtake keys`)
    Duplicates {
        #[command(subcommand)]
        action: Option<DuplicatesCommand>,
        #[command(flatten)]
        json: Json,
    },
    /// Write the whole library (not the videos) to a JSON file
    Export { file: PathBuf },
    /// Merge a JSON export into the library (nothing is duplicated)
    Import {
        file: PathBuf,
        #[command(flatten)]
        json: Json,
    },
    /// How much the library holds
    Summary {
        #[command(flatten)]
        json: Json,
    },
    /// The edits made to the library, newest first (what `undo` takes back)
    History {
        /// How many to list
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Keep at most this many edits from now on [default: 1000]
        #[arg(long, value_name = "EDITS")]
        keep: Option<i64>,
        /// Forget edits older than this many days from now on [default: 90]
        #[arg(long, value_name = "DAYS")]
        days: Option<i64>,
        #[command(flatten)]
        json: Json,
    },
    /// Take back the last edit (from the app or the command line), or the edit #N from `history`
    Undo {
        /// An edit from `outtake history` (#12 or 12) [default: the last one]
        edit: Option<String>,
    },
    /// Make again the edit undone last
    Redo,
    /// Print the completion script for a shell (bash, zsh, fish, elvish, powershell):
    /// `source <(outtake completions bash)`; names of shows, people and tags
    /// complete from the library ($OUTTAKE_LIBRARY or the default one)
    Completions {
        #[arg(value_name = "SHELL")]
        shell: String,
    },
    /// Print the manual page (roff), as the package installs it
    #[command(hide = true)]
    Manpage,
}

#[derive(Debug, Args)]
pub struct ReelArgs {
    /// A search, as `outtake search` takes it (put -- before a word that starts with -)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Play a saved reel (by name or #id) instead of a search
    #[arg(long, value_name = "NAME", conflicts_with = "query")]
    pub saved: Option<String>,
    /// Play the moments in a random order
    #[arg(long)]
    pub shuffle: bool,
    /// The shuffle's seed: the same seed, the same order [default: random]
    #[arg(long, value_name = "N", requires = "shuffle")]
    pub seed: Option<u64>,
    /// Time played before and after a point marker or a subtitle line: 3s, 1.5, 500ms [default: 3s]
    #[arg(long, value_name = "TIME")]
    pub context: Option<String>,
    /// Write an M3U8 playlist (each entry's range as #EXTVLCOPT start/stop times)
    #[arg(long, value_name = "FILE", group = "output")]
    pub m3u: Option<PathBuf>,
    /// Write an mpv EDL file
    #[arg(long, value_name = "FILE", group = "output")]
    pub edl: Option<PathBuf>,
    /// Write one video (.mp4 or .mkv) with a chapter per moment (ffmpeg)
    #[arg(long, value_name = "FILE", group = "output")]
    pub video: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,
    /// Also keep the search as a saved reel under NAME
    #[arg(long, value_name = "NAME", conflicts_with = "saved")]
    pub save: Option<String>,
    #[command(flatten)]
    pub json: Json,
}

#[derive(Debug, Args)]
pub struct CutArgs {
    /// A marker (#12), or a clip and a stretch of it: CLIP@IN-OUT (#3@1:02-1:09.5)
    #[arg(value_name = "MARKER|CLIP@IN-OUT")]
    pub moment: String,
    /// The file to write: .mp4, .webp or .gif
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// 240p, 360p, 480p, 720p or original (never enlarged) [default: 720p for MP4, 360p for pictures]
    #[arg(long, value_name = "SIZE")]
    pub size: Option<String>,
    /// Frames per second of a GIF or WebP: 8, 10, 12, 15, 20, 24 or 30 [default: 12 GIF, 15 WebP]
    #[arg(long, value_name = "N")]
    pub fps: Option<u32>,
    /// Burn in the clip's subtitle lines in this language (ko, en…)
    #[arg(long, value_name = "LANG")]
    pub subtitles: Option<String>,
    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub json: Json,
}

#[derive(Debug, Clone, Copy, Args)]
pub struct Json {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ShowCommand {
    /// Add a show
    Add {
        title: String,
        /// Title in its own script, e.g. 홍천기
        #[arg(long, value_name = "TITLE")]
        native: Option<String>,
        /// Another name it is known by (repeatable)
        #[arg(long = "alias", value_name = "NAME")]
        aliases: Vec<String>,
        #[arg(long)]
        network: Option<String>,
        #[arg(long)]
        year: Option<i32>,
    },
    /// List shows
    List {
        #[command(flatten)]
        json: Json,
    },
    /// A show with its episodes, scenes and cast
    Show {
        #[arg(add = crate::complete::names(crate::complete::Names::Show))]
        show: String,
        #[command(flatten)]
        json: Json,
    },
    /// Add names a show is known by
    Alias {
        #[arg(add = crate::complete::names(crate::complete::Names::Show))]
        show: String,
        #[arg(required = true)]
        aliases: Vec<String>,
    },
    /// Remove a show with its episodes, scenes and roles (clips stay)
    Rm { show: String },
}

#[derive(Debug, Subcommand)]
pub enum EpisodeCommand {
    /// Add an episode
    Add {
        #[arg(add = crate::complete::names(crate::complete::Names::Show))]
        show: String,
        number: i64,
        #[arg(long)]
        title: Option<String>,
        /// YYYY-MM-DD
        #[arg(long, value_name = "DATE")]
        aired: Option<String>,
    },
    /// List a show's episodes
    List {
        #[arg(add = crate::complete::names(crate::complete::Names::Show))]
        show: String,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum SceneCommand {
    /// Add a scene to a show
    Add {
        #[arg(add = crate::complete::names(crate::complete::Names::Show))]
        show: String,
        title: String,
        /// The episode it is in (created if new)
        #[arg(long, value_name = "N")]
        episode: Option<i64>,
        #[arg(long)]
        description: Option<String>,
    },
    /// List a show's scenes
    List {
        #[arg(add = crate::complete::names(crate::complete::Names::Show))]
        show: String,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Add a person
    Add {
        name: String,
        /// Name in its own script, e.g. 김유정
        #[arg(long, value_name = "NAME")]
        native: Option<String>,
        /// Another spelling or name (repeatable)
        #[arg(long = "alias", value_name = "NAME")]
        aliases: Vec<String>,
    },
    /// List people
    List {
        #[command(flatten)]
        json: Json,
    },
    /// A person with their roles
    Show {
        #[arg(add = crate::complete::names(crate::complete::Names::Person))]
        person: String,
        #[command(flatten)]
        json: Json,
    },
    /// Add names a person is known by
    Alias {
        #[arg(add = crate::complete::names(crate::complete::Names::Person))]
        person: String,
        #[arg(required = true)]
        aliases: Vec<String>,
    },
    /// Fold one person into another (names become aliases, credits move)
    Merge { from: String, into: String },
    /// Remove a person with their roles and credits
    Rm { person: String },
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Say PERSON plays CHARACTER in SHOW
    Add {
        #[arg(add = crate::complete::names(crate::complete::Names::Person))]
        person: String,
        #[arg(add = crate::complete::names(crate::complete::Names::Show))]
        show: String,
        character: String,
        /// Character's name in its own script
        #[arg(long, value_name = "NAME")]
        native: Option<String>,
    },
    /// A show's cast
    List {
        #[arg(add = crate::complete::names(crate::complete::Names::Show))]
        show: String,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClipCommand {
    /// List clips, newest first
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Everything about one clip
    Show {
        clip: String,
        #[command(flatten)]
        json: Json,
    },
    /// Change a clip's title, show, episode, note or description
    Set {
        clip: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(add = crate::complete::names(crate::complete::Names::Show), long, conflicts_with = "no_show")]
        show: Option<String>,
        /// Unlink the clip from its show
        #[arg(long)]
        no_show: bool,
        /// Episode number in the clip's show (created if new)
        #[arg(long, value_name = "N")]
        episode: Option<i64>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// Choose a clip's poster: the frame at TIME, or with --default the
    /// uploader's picture (a thumbnail beside the video, or its cover art) or
    /// a frame a fifth of the way in
    Poster {
        clip: String,
        /// 83.5, 1:23 or 01:01:23.500
        #[arg(required_unless_present = "default", conflicts_with = "default")]
        time: Option<String>,
        #[arg(long)]
        default: bool,
    },
    /// Forget a clip (its video file is not touched)
    Rm { clip: String },
}

#[derive(Debug, Subcommand)]
pub enum TagsCommand {
    /// List tags
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Rename a tag (its clips and markers keep it)
    Rename { tag: String, name: String },
    /// Add another name for a tag
    Alias { tag: String, alias: String },
    /// Put TAG under PARENT: searching the parent finds it too
    Parent { tag: String, parent: String },
    /// Fold one tag into another
    Merge { from: String, into: String },
    /// Remove a tag from everything
    Rm { tag: String },
}

#[derive(Debug, Subcommand)]
pub enum MarkerCommand {
    /// Mark a moment (or a range) in a clip
    Add {
        clip: String,
        /// 83.5, 1:23 or 01:01:23.500
        start: String,
        end: Option<String>,
        #[arg(long)]
        title: Option<String>,
        /// A scene of the clip's show
        #[arg(long)]
        scene: Option<String>,
        /// Who is in it: "Kim Yoo Jung" or "Kim Yoo Jung as Hong Chun Gi" (repeatable)
        #[arg(long = "cast", value_name = "PERSON")]
        cast: Vec<String>,
        /// Tag (repeatable; created as needed)
        #[arg(add = crate::complete::names(crate::complete::Names::Tag), long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        #[arg(long)]
        note: Option<String>,
        /// Something said in the moment
        #[arg(long)]
        quote: Option<String>,
    },
    /// A clip's markers
    List {
        clip: String,
        #[command(flatten)]
        json: Json,
    },
    /// Remove a marker by id
    Rm { marker: String },
}

#[derive(Debug, Subcommand)]
pub enum DuplicatesCommand {
    /// Merge OTHER into KEEP: its markers (times moved by how far apart the
    /// two are), credits, tags and scenes; when both play one timeline its
    /// files become KEEP's copies and OTHER goes (the files stay on disk)
    Merge { keep: String, other: String },
    /// Say two clips are not the same video: they are no longer listed
    NotSame { clip: String, other: String },
}

#[derive(Debug, Subcommand)]
pub enum PackCommand {
    /// Write a show's pack: its clips' content keys, titles and web
    /// addresses (never a path), credits, tags and markers
    Export {
        /// The show, by #id or any of its names
        #[arg(long)]
        show: String,
        /// Also write your notes on clips and markers (left out otherwise)
        #[arg(long)]
        with_notes: bool,
        file: PathBuf,
    },
    /// Find a pack's clips in the library (same download, same file, a
    /// re-encode, or the same sound at an offset) and add their curation,
    /// marker times moved onto your copies; one edit, undone as a whole
    Import {
        file: PathBuf,
        /// Only say what matched and what would be added; write nothing
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum FolderCommand {
    /// Watch a folder for new clips
    Add { path: PathBuf },
    /// List watched folders
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Stop watching a folder (its clips stay)
    Rm { folder: String },
}

#[derive(Debug, Subcommand)]
pub enum SavedCommand {
    /// List saved searches
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Run a saved search
    Run {
        name: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[command(flatten)]
        json: Json,
    },
    /// Forget a saved search
    Rm { name: String },
}

/// A size in bytes: a number with an optional decimal unit (K, M, G, T,
/// optionally followed by B; KiB, MiB, GiB, TiB for binary ones).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number.parse().map_err(|_| format!("{text:?} is not a size (e.g. 2G, 500M)"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("{:?} in {text:?} is not a unit of size (K, M, G, T)", unit.trim())),
    };
    let bytes = number * scale;
    if !bytes.is_finite() || bytes > 9.0e18 {
        return Err(format!("{text:?} is too big a size"));
    }
    Ok(bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_read_with_their_units() {
        for (text, bytes) in [
            ("2G", Some(2_000_000_000)),
            ("2 GB", Some(2_000_000_000)),
            ("1.5g", Some(1_500_000_000)),
            ("500M", Some(500_000_000)),
            ("1GiB", Some(1_073_741_824)),
            ("123", Some(123)),
            ("0", Some(0)),
            ("", None),
            ("G", None),
            ("2X", None),
            ("-1G", None),
            ("99999999999T", None),
        ] {
            assert_eq!(parse_size(text).ok(), bytes, "{text:?}");
        }
    }
}
