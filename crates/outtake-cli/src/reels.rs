//! `outtake reel`, `outtake reels` and `outtake cut`: a search's moments as a
//! playlist or one video, and one moment cut to share. Progress goes to
//! stderr (a bar on a terminal, a line per step otherwise); Ctrl-C stops
//! ffmpeg and leaves no part file.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use outtake_core::reels::cut::{CutFormat, CutPlan, CutRequest, CutSize, cut as make_cut};
use outtake_core::reels::export::{PlaylistFormat, VideoMode, write_playlist, write_video};
use outtake_core::reels::suggest_file_name;
use outtake_core::time::{format_time, parse_time};
use outtake_core::{DEFAULT_CONTEXT_MS, Library, Moment, NewReel, ReelOptions, ReelSource, SavedReel};

use crate::args::{CutArgs, Json, ReelArgs};
use crate::render::Out;

/// A flag Ctrl-C sets (instead of killing the process), so the job stops and cleans up.
fn cancel_on_ctrl_c() -> Result<Arc<AtomicBool>> {
    let cancel = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&cancel))
        .context("cannot listen for Ctrl-C")?;
    Ok(cancel)
}

fn bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(1000);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {percent:>3}% {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// `3s`, `1.5`, `500ms`, `0:02` → milliseconds.
fn parse_context(text: &str) -> Result<i64> {
    let text = text.trim();
    let ms = if let Some(ms) = text.strip_suffix("ms") {
        ms.trim().parse::<i64>().ok()
    } else {
        parse_time("context", text.strip_suffix('s').unwrap_or(text)).ok()
    };
    ms.with_context(|| format!("context: \"{text}\" is not a time; write 3s, 1.5 or 500ms"))
}

pub fn reel(lib: &mut Library, out: &mut Out, args: ReelArgs) -> Result<()> {
    let query = args.query.join(" ");
    let source = match &args.saved {
        Some(name) => ReelSource::Saved { id: lib.saved_reel(name)?.id },
        None if query.trim().is_empty() => bail!("reel: give a search (outtake reel horse) or --saved NAME"),
        None => ReelSource::Search { query: query.clone() },
    };
    let context_ms = args.context.as_deref().map(parse_context).transpose()?;
    if let Some(name) = &args.save {
        let id =
            lib.save_reel(name, NewReel::Live { query: &query }, context_ms.unwrap_or(DEFAULT_CONTEXT_MS))?;
        eprintln!("saved reel #{id} {name}");
    }
    let shuffle = args.shuffle.then(|| args.seed.unwrap_or_else(random_seed));
    let moments = lib.reel(&source, ReelOptions { context_ms, shuffle })?;
    let Some((target, kind)) = output(&args) else {
        return if args.json.json { out.json(&moments) } else { out.text(list(&moments)) };
    };
    if moments.is_empty() {
        bail!("reel: nothing matches, so there is nothing to write");
    }
    let files = lib.reel_files(&moments)?;
    for moment in &files.offline {
        eprintln!(
            "outtake: left out {} {}–{}: no copy of clip #{} is on a reachable disk",
            moment.clip_title,
            format_time(moment.start_ms),
            format_time(moment.end_ms),
            moment.clip_id
        );
    }
    let report = match kind {
        Kind::Playlist(format) => write_playlist(&files.entries, format, target, args.force)?,
        Kind::Video => {
            let cancel = cancel_on_ctrl_c()?;
            let bar = bar();
            let mut told = None;
            let report = write_video(&files.entries, target, args.force, &cancel, &mut |p| {
                let step = if p.moment < p.moments {
                    format!("{}: moment {} of {}", p.mode.as_str(), p.moment + 1, p.moments)
                } else {
                    format!("{}: joining {} moments", p.mode.as_str(), p.moments)
                };
                bar.set_position((p.fraction * 1000.0) as u64);
                if told.as_ref() != Some(&step) {
                    if bar.is_hidden() {
                        eprintln!("outtake: {step}");
                    }
                    bar.set_message(step.clone());
                    told = Some(step);
                }
            });
            bar.finish_and_clear();
            report?
        }
    };
    if args.json.json {
        return out.json(&report);
    }
    let how = match report.mode {
        Some(VideoMode::Copy) => ", streams copied",
        Some(VideoMode::Reencode) => ", re-encoded",
        None => "",
    };
    out.line(format!(
        "wrote {} ({} moments, {}{how})",
        report.path,
        report.moments,
        format_time(report.duration_ms)
    ))
}

enum Kind {
    Playlist(PlaylistFormat),
    Video,
}

fn output(args: &ReelArgs) -> Option<(&Path, Kind)> {
    if let Some(file) = &args.m3u {
        return Some((file, Kind::Playlist(PlaylistFormat::M3u8)));
    }
    if let Some(file) = &args.edl {
        return Some((file, Kind::Playlist(PlaylistFormat::Edl)));
    }
    args.video.as_deref().map(|file| (file, Kind::Video))
}

/// A seed from the clock, for a shuffle nobody asked to repeat.
fn random_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

fn list(moments: &[Moment]) -> String {
    if moments.is_empty() {
        return "no moments\n".into();
    }
    let mut text = String::new();
    for moment in moments {
        let what = match (moment.marker_id, moment.cue_id) {
            (Some(id), _) => format!("marker #{id}"),
            (None, Some(_)) => "line".into(),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            text,
            "#{} {}  {}–{}  {what}  {}",
            moment.clip_id,
            moment.clip_title,
            format_time(moment.start_ms),
            format_time(moment.end_ms),
            moment.label
        );
    }
    let total: i64 = moments.iter().map(Moment::duration_ms).sum();
    let _ = writeln!(text, "{} moments, {}", moments.len(), format_time(total));
    text
}

pub fn saved(lib: &Library, out: &mut Out, json: Json) -> Result<()> {
    let reels = lib.saved_reels()?;
    if json.json {
        return out.json(&reels);
    }
    if reels.is_empty() {
        return out.line("no saved reels (outtake reel QUERY --save NAME keeps one)".into());
    }
    let line = |reel: &SavedReel| match &reel.query {
        Some(query) => format!("#{} {}  search: {query}", reel.id, reel.name),
        None => format!("#{} {}  {} markers", reel.id, reel.name, reel.marker_ids.len()),
    };
    out.text(reels.iter().map(|r| line(r) + "\n").collect())
}

/// `#12` / `12` (a marker) or `CLIP@IN-OUT`.
fn plan(lib: &Library, moment: &str) -> Result<CutPlan> {
    if let Some((clip, range)) = moment.rsplit_once('@') {
        let clip = lib.find_clip(clip)?;
        let (start, end) = range.split_once('-').with_context(|| {
            format!("\"{range}\" is not a stretch of time; write IN-OUT, e.g. 1:02-1:09.5")
        })?;
        let (start, end) = (parse_time("in", start)?, parse_time("out", end)?);
        return Ok(lib.cut_range(clip, start, end)?);
    }
    let id: i64 = moment.trim().trim_start_matches('#').parse().with_context(|| {
        format!("\"{moment}\" is neither a marker id like #12 nor CLIP@IN-OUT like #3@1:02-1:09.5")
    })?;
    Ok(lib.cut_marker(id)?)
}

pub fn cut(lib: &Library, out: &mut Out, args: CutArgs) -> Result<()> {
    let plan = plan(lib, &args.moment)?;
    if args.file.is_dir() {
        let format = "mp4";
        bail!(
            "{} is a folder; name the file, e.g. {}",
            args.file.display(),
            args.file.join(suggest_file_name(&plan.name, format)).display()
        );
    }
    let format = CutFormat::from_path(&args.file)?;
    let size = args.size.as_deref().map(CutSize::parse).transpose()?.unwrap_or(format.default_size());
    let subtitles = match &args.subtitles {
        Some(lang) => lib.cue_lines(plan.clip_id, lang, plan.start_ms, plan.end_ms)?,
        None => Vec::new(),
    };
    let request = CutRequest {
        source: plan.source.clone(),
        start_ms: plan.start_ms,
        end_ms: plan.end_ms,
        format,
        size,
        fps: args.fps.unwrap_or(format.default_fps()),
        subtitles,
    };
    let cancel = cancel_on_ctrl_c()?;
    let bar = bar();
    let step = format!(
        "cutting {}–{} of clip #{} to {}",
        format_time(plan.start_ms),
        format_time(plan.end_ms),
        plan.clip_id,
        args.file.display()
    );
    bar.set_message(step.clone());
    let mut begun = false;
    let report = make_cut(&request, &args.file, args.force, &cancel, &mut |fraction| {
        if !begun && bar.is_hidden() {
            eprintln!("outtake: {step}");
        }
        begun = true;
        bar.set_position((fraction * 1000.0) as u64)
    });
    bar.finish_and_clear();
    let report = report?;
    if args.json.json {
        return out.json(&report);
    }
    out.line(format!("wrote {} ({})", report.path, format_time(report.duration_ms)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_read_as_fans_write_it() {
        for (text, ms) in [("3s", 3000), ("1.5", 1500), ("500ms", 500), ("0", 0), ("0:02", 2000)] {
            assert_eq!(parse_context(text).unwrap(), ms, "{text}");
        }
        for text in ["", "soon", "3 seconds", "-1s"] {
            assert!(parse_context(text).unwrap_err().to_string().starts_with("context: "), "{text}");
        }
    }
}
