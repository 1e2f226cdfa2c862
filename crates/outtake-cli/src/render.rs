//! Human-readable output of every command (JSON output is serde's).

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use outtake_core::time::format_time;
use outtake_core::{
    CastMember, ClipDetail, ClipSummary, CueSource, Episode, Folder, ImportReport, LibrarySummary, Marker,
    Person, Role, Scene, Show, Tag,
};
use serde::Serialize;

/// Standard output that treats a closed pipe (`outtake clip list | head`) as done, not as an error.
pub struct Out {
    stdout: std::io::Stdout,
}

impl Out {
    pub fn stdout() -> Out {
        Out { stdout: std::io::stdout() }
    }

    pub fn text(&mut self, text: String) -> anyhow::Result<()> {
        match self.stdout.lock().write_all(text.as_bytes()) {
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        }
    }

    pub fn line(&mut self, line: String) -> anyhow::Result<()> {
        self.text(line + "\n")
    }

    pub fn json(&mut self, value: &impl Serialize) -> anyhow::Result<()> {
        self.line(serde_json::to_string_pretty(value)?)
    }
}

fn or_dash(value: Option<&str>) -> &str {
    value.unwrap_or("–")
}

pub fn show_name(show: &Show) -> String {
    let mut name = show.title.clone();
    if let Some(native) = &show.native_title {
        let _ = write!(name, " ({native})");
    }
    match (&show.network, show.year) {
        (Some(network), Some(year)) => format!("{name}, {network} {year}"),
        (Some(network), None) => format!("{name}, {network}"),
        (None, Some(year)) => format!("{name}, {year}"),
        (None, None) => name,
    }
}

pub fn shows(shows: &[Show]) -> String {
    if shows.is_empty() {
        return "no shows yet: add one with `outtake show add TITLE`\n".into();
    }
    shows.iter().map(|s| format!("#{:<4} {}\n", s.id, show_name(s))).collect()
}

pub fn show_detail(show: &Show, episodes: &[Episode], scenes: &[Scene], cast: &[Role]) -> String {
    let mut text = format!("#{} {}\n", show.id, show_name(show));
    if !show.aliases.is_empty() {
        let _ = writeln!(text, "  also known as {}", show.aliases.join(", "));
    }
    if !episodes.is_empty() {
        let _ = writeln!(text, "episodes\n{}", indent(&self::episodes(episodes)));
    }
    if !scenes.is_empty() {
        let _ = writeln!(text, "scenes\n{}", indent(&self::scenes(scenes)));
    }
    if !cast.is_empty() {
        let _ = writeln!(text, "cast\n{}", indent(&roles(cast)));
    }
    text
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect::<String>().trim_end().to_string()
}

pub fn episodes(episodes: &[Episode]) -> String {
    if episodes.is_empty() {
        return "no episodes\n".into();
    }
    episodes
        .iter()
        .map(|e| {
            format!("{:>4}  {}  {}\n", e.number, or_dash(e.air_date.as_deref()), or_dash(e.title.as_deref()))
        })
        .collect()
}

pub fn scenes(scenes: &[Scene]) -> String {
    if scenes.is_empty() {
        return "no scenes\n".into();
    }
    scenes
        .iter()
        .map(|s| {
            let episode = s.episode.map(|n| format!("ep {n}")).unwrap_or_default();
            let description = s.description.as_deref().map(|d| format!(" — {d}")).unwrap_or_default();
            format!("#{:<4} {:<6} {}{description}\n", s.id, episode, s.title)
        })
        .collect()
}

pub fn person_name(person: &Person) -> String {
    match &person.native_name {
        Some(native) => format!("{} ({native})", person.name),
        None => person.name.clone(),
    }
}

pub fn people(people: &[Person]) -> String {
    if people.is_empty() {
        return "no people yet: add one with `outtake person add NAME`\n".into();
    }
    people.iter().map(|p| format!("#{:<4} {}\n", p.id, person_name(p))).collect()
}

pub fn person_detail(person: &Person, roles: &[Role]) -> String {
    let mut text = format!("#{} {}\n", person.id, person_name(person));
    if !person.aliases.is_empty() {
        let _ = writeln!(text, "  also known as {}", person.aliases.join(", "));
    }
    for role in roles {
        let _ = writeln!(text, "  as {} in {}", character(role), role.show);
    }
    text
}

pub fn character(role: &Role) -> String {
    match &role.native_character {
        Some(native) => format!("{} ({native})", role.character),
        None => role.character.clone(),
    }
}

pub fn roles(roles: &[Role]) -> String {
    if roles.is_empty() {
        return "no cast yet: add with `outtake role add PERSON SHOW CHARACTER`\n".into();
    }
    roles.iter().map(|r| format!("#{:<4} {} as {}\n", r.id, r.person, character(r))).collect()
}

fn duration(ms: Option<i64>) -> String {
    ms.map(format_time).unwrap_or_else(|| "–".into())
}

pub fn clips(clips: &[ClipSummary]) -> String {
    if clips.is_empty() {
        return "no clips yet\n".into();
    }
    clips
        .iter()
        .map(|c| {
            let show = match (&c.show, c.episode) {
                (Some(show), Some(ep)) => format!("  [{show} ep {ep}]"),
                (Some(show), None) => format!("  [{show}]"),
                _ => String::new(),
            };
            let status = if c.status == outtake_core::FileStatus::Present {
                String::new()
            } else {
                format!("  ({})", c.status.as_str())
            };
            format!("#{:<5} {:>9}  {}{show}{status}\n", c.id, duration(c.duration_ms), c.title)
        })
        .collect()
}

pub fn cast_member(member: &CastMember) -> String {
    match &member.character {
        Some(character) => format!("{} as {character}", member.person),
        None => member.person.clone(),
    }
}

pub fn marker_line(marker: &Marker) -> String {
    let time = match marker.end_ms {
        Some(end) => format!("{}–{}", format_time(marker.start_ms), format_time(end)),
        None => format_time(marker.start_ms),
    };
    let mut line = format!("#{} {time}", marker.id);
    if let Some(title) = &marker.title {
        let _ = write!(line, "  {title}");
    }
    if let Some(scene) = &marker.scene {
        let _ = write!(line, "  [{scene}]");
    }
    if !marker.cast.is_empty() {
        let _ = write!(line, "  with {}", marker.cast.iter().map(cast_member).collect::<Vec<_>>().join(", "));
    }
    if !marker.tags.is_empty() {
        let _ =
            write!(line, "  {}", marker.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" "));
    }
    if let Some(quote) = &marker.quote {
        let _ = write!(line, "  “{quote}”");
    }
    if let Some(note) = &marker.note {
        let _ = write!(line, "  — {note}");
    }
    line
}

pub fn markers(markers: &[Marker]) -> String {
    if markers.is_empty() {
        return "no markers\n".into();
    }
    markers.iter().map(|m| marker_line(m) + "\n").collect()
}

pub fn clip_detail(clip: &ClipDetail) -> String {
    let mut text = format!("#{} {}\n", clip.id, clip.title);
    let mut field = |name: &str, value: String| {
        if !value.is_empty() {
            let _ = writeln!(text, "  {name:<9}{value}");
        }
    };
    field(
        "show",
        match (&clip.show, clip.episode) {
            (Some(show), Some(ep)) => format!("{show} · episode {ep}"),
            (Some(show), None) => show.clone(),
            _ => String::new(),
        },
    );
    field("scenes", clip.scenes.join(", "));
    let mut technical = vec![duration(clip.duration_ms)];
    if let (Some(w), Some(h)) = (clip.width, clip.height) {
        technical.push(format!("{w}×{h}"));
    }
    let codecs: Vec<&str> =
        [clip.video_codec.as_deref(), clip.audio_codec.as_deref()].into_iter().flatten().collect();
    if !codecs.is_empty() {
        technical.push(codecs.join("/"));
    }
    if let Some(fps) = clip.fps {
        technical.push(format!("{fps:.3} fps").replace(".000 ", " "));
    }
    field("length", technical.join(" · "));
    for file in &clip.files {
        field("file", format!("{} ({})", shown(&file.path, &file.path_encoding), file.status.as_str()));
    }
    let source: Vec<&str> =
        [clip.source.url.as_deref(), clip.source.uploader.as_deref(), clip.source.published.as_deref()]
            .into_iter()
            .flatten()
            .collect();
    field("source", source.join(" · "));
    field("tags", clip.tags.join(", "));
    field("cast", clip.cast.iter().map(cast_member).collect::<Vec<_>>().join(", "));
    field("note", clip.note.clone().unwrap_or_default());
    field("about", clip.description.clone().unwrap_or_default().lines().next().unwrap_or("").to_string());
    if !clip.markers.is_empty() {
        let _ = writeln!(text, "  markers");
        for marker in &clip.markers {
            let _ = writeln!(text, "    {}", marker_line(marker));
        }
    }
    text
}

pub fn tags(tags: &[Tag]) -> String {
    if tags.is_empty() {
        return "no tags yet: tag a clip with `outtake tag CLIP TAG`\n".into();
    }
    tags.iter()
        .map(|t| {
            let mut line = format!("#{:<4} {}", t.id, t.full_name);
            if !t.aliases.is_empty() {
                let _ = write!(line, "  (also {})", t.aliases.join(", "));
            }
            if !t.parents.is_empty() {
                let _ = write!(line, "  under {}", t.parents.join(", "));
            }
            line + "\n"
        })
        .collect()
}

pub fn folders(folders: &[Folder]) -> String {
    if folders.is_empty() {
        return "no watched folders: add one with `outtake folder add DIR`\n".into();
    }
    folders.iter().map(|f| format!("#{:<4} {}\n", f.id, f.path)).collect()
}

pub fn import_report(report: &ImportReport, file: &Path) -> String {
    let mut text = format!(
        "imported {}: {} clips added, {} merged; {} shows added, {} merged; {} people added, {} merged; \
         {} tags added, {} merged; {} markers and {} subtitle cues added\n",
        file.display(),
        report.clips_added,
        report.clips_merged,
        report.shows_added,
        report.shows_merged,
        report.people_added,
        report.people_merged,
        report.tags_added,
        report.tags_merged,
        report.markers_added,
        report.cues_added
    );
    for kept in &report.kept_as_is {
        text.push_str(&format!("  kept as is: {kept}\n"));
    }
    text
}

pub fn duplicates(list: &[outtake_core::keys::Duplicate], made: usize, missing: usize) -> String {
    use outtake_core::keys::Kinship;
    let mut text = String::new();
    if list.is_empty() {
        text.push_str("no duplicates\n");
    }
    for pair in list {
        let what = match pair.kinship {
            Kinship::SameVideo => "same video".to_string(),
            Kinship::Reencode => "re-encode".to_string(),
            Kinship::Contains if pair.shift_ms >= 0 => {
                format!(
                    "#{} starts {:.1} s into #{}",
                    pair.clip_a,
                    pair.shift_ms as f64 / 1000.0,
                    pair.clip_b
                )
            }
            Kinship::Contains => {
                format!(
                    "#{} starts {:.1} s into #{}",
                    pair.clip_b,
                    -pair.shift_ms as f64 / 1000.0,
                    pair.clip_a
                )
            }
        };
        let _ = writeln!(
            text,
            "#{} {}  ⇄  #{} {}  ({what})",
            pair.clip_a, pair.title_a, pair.clip_b, pair.title_b
        );
    }
    if missing > 0 {
        let _ = writeln!(
            text,
            "({missing} of {} clips have no content keys yet: run `outtake keys`)",
            made + missing
        );
    }
    text
}

pub fn merged(merged: &outtake_core::keys::Merged, keep: i64, other: i64) -> String {
    let mut text = format!("merged #{other} into #{keep}: {} markers moved", merged.markers_moved);
    if merged.markers_left > 0 {
        let _ = write!(text, ", {} left on #{other} (they fall outside #{keep})", merged.markers_left);
    }
    if merged.clip_removed {
        let _ = write!(text, "; #{other}'s files are now copies of #{keep}");
    } else {
        let _ = write!(text, "; #{other} stays (another cut of the video)");
    }
    text.push('\n');
    text
}

pub fn pack_summary(summary: &outtake_core::PackSummary, file: &Path) -> String {
    let mut text = format!(
        "wrote the pack of {} to {}: {} clips, {} markers, {} people\n",
        summary.show,
        file.display(),
        summary.clips,
        summary.markers,
        summary.people
    );
    if summary.without_keys > 0 {
        let _ = writeln!(
            text,
            "  {} clips have no content keys yet (run `outtake keys`): others find them only by download or file",
            summary.without_keys
        );
    }
    text
}

pub fn pack_report(report: &outtake_core::PackReport, file: &Path) -> String {
    let mut text = format!(
        "pack {} ({}): {} of {} clips found\n",
        file.display(),
        report.show,
        report.matched,
        report.matched + report.unmatched
    );
    for clip in &report.clips {
        let found = match (clip.clip_id, &clip.clip_title) {
            (Some(id), Some(title)) => format!(" → #{id} {title}: "),
            _ => ": ".into(),
        };
        let _ = writeln!(text, "  {}{found}{}", clip.title, clip.how_in_words());
    }
    let verb = if report.dry_run { "would add" } else { "added" };
    let _ = writeln!(
        text,
        "{verb} {} markers, {} credits, {} people ({} found by name), {} tags{}",
        report.markers_added,
        report.credits_added,
        report.people_added,
        report.people_merged,
        report.tags_added,
        if report.markers_outside > 0 {
            format!("; {} markers fall outside your copies and are left out", report.markers_outside)
        } else {
            String::new()
        }
    );
    if report.dry_run {
        text.push_str("dry run: nothing was written\n");
    }
    text
}

pub fn history(history: &[outtake_core::HistoryEntry]) -> String {
    if history.is_empty() {
        return "no edits yet\n".into();
    }
    let mut text = String::new();
    for entry in history {
        let undone = if entry.undone { "  (undone)" } else { "" };
        text.push_str(&format!("#{:<5} {}  {}{undone}\n", entry.id, entry.at, entry.description));
    }
    text
}

pub fn summary(summary: &LibrarySummary, path: &Path) -> String {
    format!(
        "{}\n  {} clips, {} markers, {} subtitle cues\n  {} shows, {} people, {} tags\n",
        path.display(),
        summary.clips,
        summary.markers,
        summary.cues,
        summary.shows,
        summary.people,
        summary.tags
    )
}

pub fn scan_summary(summary: &outtake_core::import::ScanSummary) -> String {
    let mut text = format!(
        "{} added, {} updated, {} moved, {} missing, {} offline, {} skipped, {} failed\n",
        summary.added,
        summary.updated,
        summary.moved,
        summary.missing,
        summary.offline,
        summary.skipped,
        summary.failed.len()
    );
    for failure in &summary.failed {
        let _ = writeln!(text, "  {}: {}", shown(&failure.path, &failure.path_encoding), failure.error);
    }
    text
}

/// What `read-text` (`verb` "read") or `transcribe` ("transcribed") did.
pub fn read_summary(summary: &outtake_core::screen_text::ReadSummary, verb: &str) -> String {
    let mut text = format!(
        "{verb} {} clip{}: {} line{}{}{}{}\n",
        summary.clips_read,
        if summary.clips_read == 1 { "" } else { "s" },
        summary.lines,
        if summary.lines == 1 { "" } else { "s" },
        if summary.offline > 0 { format!(", {} offline (skipped)", summary.offline) } else { String::new() },
        if summary.problems.is_empty() {
            String::new()
        } else {
            format!(", {} failed", summary.problems.len())
        },
        if summary.stopped { ", stopped" } else { "" },
    );
    for problem in &summary.problems {
        let _ = writeln!(text, "  clip #{}: {}", problem.clip_id, problem.error);
    }
    text
}

pub fn keys_summary(summary: &outtake_core::keys::KeysSummary) -> String {
    let mut text = format!(
        "made the keys of {} clip{} ({} of video){}{}\n",
        summary.clips_done,
        if summary.clips_done == 1 { "" } else { "s" },
        if summary.seconds < 120.0 {
            format!("{:.0} s", summary.seconds)
        } else {
            format!("{:.0} min", summary.seconds / 60.0)
        },
        if summary.offline > 0 { format!(", {} offline (skipped)", summary.offline) } else { String::new() },
        if summary.stopped { ", stopped" } else { "" },
    );
    for problem in &summary.problems {
        let again = if problem.retried { " (tried again next time)" } else { "" };
        let _ = writeln!(text, "  clip #{}: {}{again}", problem.clip_id, problem.problem);
    }
    text
}

pub fn problems(problems: &[outtake_core::import::Failure]) -> String {
    if problems.is_empty() {
        return "every file imported\n".into();
    }
    problems.iter().map(|p| format!("{}: {}\n", shown(&p.path, &p.path_encoding), p.error)).collect()
}

/// A path as the fan reads it, marked when its name on disk is not UTF-8 and was decoded.
fn shown(path: &str, encoding: &Option<String>) -> String {
    match encoding {
        Some(encoding) => format!("{path} [name decoded from {encoding}]"),
        None => path.to_string(),
    }
}

/// A search's hits under their clips, and a last line when more clips match.
pub fn page(page: &outtake_core::search::SearchPage) -> String {
    let mut text = hits(&page.hits);
    if page.more {
        text.push_str("more clips match: add a word or a filter to narrow the search\n");
    }
    text
}

fn hits(hits: &[outtake_core::search::SearchHit]) -> String {
    if hits.is_empty() {
        return "nothing found\n".into();
    }
    let mut text = String::new();
    let mut clip = None;
    for hit in hits {
        if clip != Some(hit.clip_id) {
            clip = Some(hit.clip_id);
            let _ = writeln!(text, "#{} {}", hit.clip_id, hit.title);
        }
        let time = match (hit.start_ms, hit.end_ms) {
            (Some(start), Some(end)) if end > start => {
                format!(" {}–{}", format_time(start), format_time(end))
            }
            (Some(start), _) => format!(" {}", format_time(start)),
            _ => String::new(),
        };
        // A line nobody typed says where it came from.
        let made = match (hit.machine, hit.source) {
            (true, Some(CueSource::Screen)) => " (on screen)",
            (true, Some(CueSource::Speech)) => " (heard)",
            _ => "",
        };
        let _ = writeln!(text, "  {}{made}{time}  {}", hit.kind, hit.snippet);
    }
    text
}

pub fn saved(saved: &[outtake_core::search::SavedSearch]) -> String {
    if saved.is_empty() {
        return "no saved searches: save one with `outtake search --save NAME QUERY`\n".into();
    }
    saved.iter().map(|s| format!("#{:<4} {}  ({})\n", s.id, s.name, s.query)).collect()
}

/// A size the way a file manager shows it (decimal units).
pub fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", bytes as f64 / 1e6),
        _ => format!("{:.2} GB", bytes as f64 / 1e9),
    }
}

/// What a trim removed.
pub fn trimmed(trimmed: &outtake_core::Trimmed) -> String {
    format!(
        "trimmed the cache: {} storyboards evicted, {} orphans removed, {} freed",
        trimmed.evicted,
        trimmed.orphans,
        size(trimmed.freed_bytes)
    )
}

/// The thumbnail cache: what it holds, its limit, and what went wrong.
pub fn cache(
    usage: &outtake_core::CacheUsage,
    trimmed: Option<&outtake_core::Trimmed>,
    problems: &[outtake_core::StoryboardProblem],
) -> String {
    let mut text = String::new();
    if let Some(done) = trimmed {
        text.push_str(&self::trimmed(done));
        text.push('\n');
    }
    text.push_str(&format!(
        "{} of {} used\n  posters and marker frames: {} ({})\n  storyboards: {} ({}), {} evicted\n  orphans: {} ({})\n",
        size(usage.total_bytes()),
        size(usage.limit_bytes),
        usage.posters,
        size(usage.poster_bytes),
        usage.storyboards,
        size(usage.storyboard_bytes),
        usage.evicted,
        usage.orphans,
        size(usage.orphan_bytes),
    ));
    for problem in problems {
        text.push_str(&format!("storyboard problem: {}\n", problem.problem));
    }
    text
}
