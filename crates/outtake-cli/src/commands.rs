//! What each command does: resolve the names it was given, call the core, print.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use outtake_core::keys::KeysWhich;
use outtake_core::screen_text::Which;
use outtake_core::time::parse_time;
use outtake_core::{
    CastInput, ClipPatch, Error, Library, MarkerInput, PersonInput, RoleInput, SceneInput, ShowInput,
};

use crate::args::*;
use crate::render::{self, Out};

pub fn run(cli: Cli) -> Result<()> {
    // What the shell and the package need, without a library.
    match &cli.command {
        Command::Completions { shell } => {
            return crate::complete::print_script(shell).map_err(anyhow::Error::msg);
        }
        Command::Manpage => return crate::complete::print_manpage().map_err(anyhow::Error::msg),
        _ => {}
    }
    let mut library = open(cli.library, cli.create, cli.command.only_reads())?;
    let mut out = Out::stdout();
    let lib = &mut library;
    match cli.command {
        Command::Show(command) => show(lib, &mut out, command),
        Command::Episode(command) => episode(lib, &mut out, command),
        Command::Scene(command) => scene(lib, &mut out, command),
        Command::Person(command) => person(lib, &mut out, command),
        Command::Role(command) => role(lib, &mut out, command),
        Command::Clip(command) => clip(lib, &mut out, command),
        Command::Credit { clip, person, character } => {
            let (clip, person) = (lib.find_clip(&clip)?, lib.find_person(&person)?);
            lib.credit(clip, person, character.as_deref())?;
            let detail = lib.clip(clip)?;
            let member =
                detail.cast.iter().find(|m| m.person_id == person).context("credit was not stored")?;
            out.line(format!("credited {} in #{} {}", render::cast_member(member), clip, detail.title))
        }
        Command::Tag { clip, tags } => {
            let id = lib.find_clip(&clip)?;
            lib.tag_clip(id, &tags)?;
            out.line(format!("#{id} tags: {}", lib.clip(id)?.tags.join(", ")))
        }
        Command::Untag { clip, tags } => {
            let id = lib.find_clip(&clip)?;
            lib.untag_clip(id, &tags)?;
            let tags = lib.clip(id)?.tags;
            out.line(format!(
                "#{id} tags: {}",
                if tags.is_empty() { "(none)".into() } else { tags.join(", ") }
            ))
        }
        Command::Tags(command) => tags(lib, &mut out, command),
        Command::Marker(command) => marker(lib, &mut out, command),
        Command::Folder(command) => folder(lib, &mut out, command),
        Command::Search { query, limit, save, json } => {
            let (query, options) = trailing_options(query)?;
            let limit = options.limit.unwrap_or(limit);
            let save = options.save.or(save);
            let json = options.json || json.json;
            let query = query.join(" ");
            if let Some(name) = save {
                let id = lib.save_search(&name, &query)?;
                eprintln!("saved search #{id} {name}");
            }
            let page = lib.search_page(&query, limit)?;
            if json { out.json(&page.hits) } else { out.text(render::page(&page)) }
        }
        Command::Saved(SavedCommand::List { json }) => {
            let saved = lib.saved_searches()?;
            if json.json { out.json(&saved) } else { out.text(render::saved(&saved)) }
        }
        Command::Saved(SavedCommand::Run { name, limit, json }) => {
            let saved = lib.saved_search(&name)?;
            let page = lib.search_page(&saved.query, limit)?;
            if json.json { out.json(&page.hits) } else { out.text(render::page(&page)) }
        }
        Command::Saved(SavedCommand::Rm { name }) => {
            let saved = lib.saved_search(&name)?;
            lib.delete_saved_search(saved.id)?;
            out.line(format!("forgot saved search {}", saved.name))
        }
        Command::Reel(args) => crate::reels::reel(lib, &mut out, args),
        Command::Reels { json } => crate::reels::saved(lib, &mut out, json),
        Command::Cut(args) => crate::reels::cut(lib, &mut out, args),
        Command::Scan { dirs, no_thumbnails, json } => {
            let dirs = folders_or_watched(lib, dirs)?;
            let summary = crate::progress::scan(lib, &dirs)?;
            if json.json {
                out.json(&summary)?
            } else {
                out.text(render::scan_summary(&summary))?
            }
            if !no_thumbnails {
                crate::progress::thumbnails(lib)?;
            }
            Ok(())
        }
        Command::Watch { dirs } => {
            let dirs = folders_or_watched(lib, dirs)?;
            crate::watching::watch(lib, &mut out, &dirs)
        }
        Command::Problems { json } => {
            let problems = lib.import_problems()?;
            if json.json { out.json(&problems) } else { out.text(render::problems(&problems)) }
        }
        Command::Thumbnails { no_storyboards } => {
            let (made, failed) = crate::progress::thumbnails(lib)?;
            out.line(format!("made {made} thumbnails, {failed} failed"))?;
            if !no_storyboards {
                let boards = crate::progress::storyboards(lib)?;
                out.line(format!(
                    "made {} storyboards ({} partial), {} failed",
                    boards.made, boards.partial, boards.failed
                ))?;
                let trimmed = lib.trim_cache()?;
                if trimmed.evicted + trimmed.orphans > 0 {
                    out.line(render::trimmed(&trimmed))?;
                }
            }
            Ok(())
        }
        Command::Cache { trim, limit, json } => {
            if let Some(limit) = limit {
                lib.set_cache_limit(limit)?;
            }
            let trimmed = if trim || limit.is_some() { Some(lib.trim_cache()?) } else { None };
            let usage = lib.cache_usage()?;
            let problems = lib.storyboard_problems()?;
            if json.json {
                out.json(&serde_json::json!({ "usage": usage, "trimmed": trimmed, "problems": problems }))
            } else {
                out.text(render::cache(&usage, trimmed.as_ref(), &problems))
            }
        }
        Command::ReadText { clips, all, json } => {
            let which = match (all, clips.is_empty()) {
                (true, _) => Which::All,
                (false, true) => Which::Unread,
                (false, false) => {
                    Which::Clips(clips.iter().map(|c| lib.find_clip(c)).collect::<Result<_, _>>()?)
                }
            };
            let summary = crate::progress::read_text(lib, &which)?;
            if json.json { out.json(&summary) } else { out.text(render::read_summary(&summary, "read")) }
        }
        Command::Transcribe { clips, all, model, language, json } => {
            // The model is checked and loaded before anything is written.
            let model = crate::progress::speech_model(model)?;
            let spoken = match language {
                Some(spoken) => spoken,
                None => crate::progress::speech_language()?,
            };
            let which = match (all, clips.is_empty()) {
                (true, _) => Which::All,
                (false, true) => Which::Unread,
                (false, false) => {
                    Which::Clips(clips.iter().map(|c| lib.find_clip(c)).collect::<Result<_, _>>()?)
                }
            };
            let summary = crate::progress::transcribe(lib, &which, &model, spoken)?;
            if json.json {
                out.json(&summary)
            } else {
                out.text(render::read_summary(&summary, "transcribed"))
            }
        }
        Command::Keys { clips, all, json } => {
            let which = match (all, clips.is_empty()) {
                (true, _) => KeysWhich::All,
                (false, true) => KeysWhich::Missing,
                (false, false) => {
                    KeysWhich::Clips(clips.iter().map(|c| lib.find_clip(c)).collect::<Result<_, _>>()?)
                }
            };
            let summary = crate::progress::content_keys(lib, &which)?;
            if json.json { out.json(&summary) } else { out.text(render::keys_summary(&summary)) }
        }
        Command::Pack(PackCommand::Export { show, with_notes, file }) => {
            let show = lib.find_show(&show)?;
            let summary = lib.export_pack_to(show, &file, with_notes)?;
            out.text(render::pack_summary(&summary, &file))
        }
        Command::Pack(PackCommand::Import { file, dry_run, json }) => {
            let report = lib.import_pack(&file, dry_run)?;
            if json.json { out.json(&report) } else { out.text(render::pack_report(&report, &file)) }
        }
        Command::Duplicates { action: None, json } => {
            let list = lib.duplicates()?;
            let (made, missing) = lib.content_key_counts()?;
            if json.json { out.json(&list) } else { out.text(render::duplicates(&list, made, missing)) }
        }
        Command::Duplicates { action: Some(DuplicatesCommand::Merge { keep, other }), .. } => {
            let (keep, other) = (lib.find_clip(&keep)?, lib.find_clip(&other)?);
            let merged = lib.merge_duplicate(keep, other)?;
            out.text(render::merged(&merged, keep, other))
        }
        Command::Duplicates { action: Some(DuplicatesCommand::NotSame { clip, other }), .. } => {
            let (a, b) = (lib.find_clip(&clip)?, lib.find_clip(&other)?);
            lib.mark_not_duplicate(a, b)?;
            out.line(format!("#{a} and #{b} are not the same video: no longer listed as duplicates"))
        }
        Command::Export { file } => {
            lib.export_to(&file)?;
            let summary = lib.summary()?;
            out.line(format!(
                "exported {} clips, {} shows, {} people, {} tags to {}",
                summary.clips,
                summary.shows,
                summary.people,
                summary.tags,
                file.display()
            ))
        }
        Command::Import { file, json } => {
            let report = lib.import_from(&file)?;
            if json.json { out.json(&report) } else { out.text(render::import_report(&report, &file)) }
        }
        Command::History { limit, keep, days, json } => {
            if keep.is_some() || days.is_some() {
                let now = lib.history_bounds()?;
                lib.set_history_bounds(keep.unwrap_or(now.edits), days.unwrap_or(now.days))?;
                let set = lib.history_bounds()?;
                eprintln!("keeping the last {} edits, none older than {} days", set.edits, set.days);
            }
            let history = lib.history(limit)?;
            if json.json { out.json(&history) } else { out.text(render::history(&history)) }
        }
        Command::Undo { edit } => {
            let edit = edit.map(|e| edit_id(&e)).transpose()?;
            let entry = lib.undo(edit)?;
            out.line(format!("undid #{} {}", entry.id, entry.description))
        }
        // Answered above, before any library is opened.
        Command::Completions { .. } | Command::Manpage => Ok(()),
        Command::Redo => {
            let entry = lib.redo()?;
            out.line(format!("redid #{} {}", entry.id, entry.description))
        }
        Command::Summary { json } => {
            let summary = lib.summary()?;
            if json.json { out.json(&summary) } else { out.text(render::summary(&summary, lib.path())) }
        }
    }
}

/// An edit as `history` lists it: `#12` or `12`.
fn edit_id(text: &str) -> Result<i64> {
    let digits = text.trim().trim_start_matches('#');
    digits.parse().with_context(|| format!("edit: \"{text}\" is not an edit number from `outtake history`"))
}

/// Opens the library the command works on. Only the default location (or
/// `--create`) may make a new one; a command that only reads opens it read-only.
fn open(given: Option<PathBuf>, create: bool, only_reads: bool) -> Result<Library> {
    let may_create = create || given.is_none();
    let path = given.unwrap_or_else(outtake_core::default_library_path);
    let context = || format!("cannot open the library {}", path.display());
    if only_reads && path.is_file() {
        match Library::open_read_only(&path) {
            Ok(library) => return Ok(library),
            // An older schema is upgraded by a writable open, below.
            Err(Error::NeedsUpgrade { .. }) => {}
            Err(error) => return Err(error).with_context(context),
        }
    }
    let opened = if may_create { Library::open(&path) } else { Library::open_existing(&path) };
    opened.with_context(context)
}

/// The folders given, else the library's watched folders.
fn folders_or_watched(lib: &Library, dirs: Vec<PathBuf>) -> Result<Vec<PathBuf>> {
    if !dirs.is_empty() {
        return Ok(dirs);
    }
    let watched: Vec<PathBuf> = lib.folders()?.into_iter().map(|f| PathBuf::from(f.path)).collect();
    if watched.is_empty() {
        bail!(
            "no folder given and the library watches none: name a folder, or add one with `outtake folder add DIR`"
        );
    }
    Ok(watched)
}

fn show(lib: &mut Library, out: &mut Out, command: ShowCommand) -> Result<()> {
    match command {
        ShowCommand::Add { title, native, aliases, network, year } => {
            let id = lib.add_show(&ShowInput { title, native_title: native, aliases, network, year })?;
            out.line(format!("added show #{id} {}", render::show_name(&lib.show(id)?)))
        }
        ShowCommand::List { json } => {
            let shows = lib.shows()?;
            if json.json { out.json(&shows) } else { out.text(render::shows(&shows)) }
        }
        ShowCommand::Show { show, json } => {
            let id = lib.find_show(&show)?;
            let (show, episodes, scenes, cast) =
                (lib.show(id)?, lib.episodes(id)?, lib.scenes(id)?, lib.cast_of(id)?);
            if json.json {
                out.json(&serde_json::json!({ "show": show, "episodes": episodes, "scenes": scenes, "cast": cast }))
            } else {
                out.text(render::show_detail(&show, &episodes, &scenes, &cast))
            }
        }
        ShowCommand::Alias { show, aliases } => {
            let id = lib.find_show(&show)?;
            lib.add_show_aliases(id, &aliases)?;
            out.line(format!("#{id} is also known as {}", lib.show(id)?.aliases.join(", ")))
        }
        ShowCommand::Rm { show } => {
            let id = lib.find_show(&show)?;
            let name = render::show_name(&lib.show(id)?);
            lib.delete_show(id)?;
            out.line(format!("removed show #{id} {name} (its clips stay in the library)"))
        }
    }
}

fn episode(lib: &mut Library, out: &mut Out, command: EpisodeCommand) -> Result<()> {
    match command {
        EpisodeCommand::Add { show, number, title, aired } => {
            let show_id = lib.find_show(&show)?;
            let id = lib.add_episode(show_id, number, title.as_deref(), aired.as_deref())?;
            out.line(format!("added episode {number} (#{id}) to {}", lib.show(show_id)?.title))
        }
        EpisodeCommand::List { show, json } => {
            let episodes = lib.episodes(lib.find_show(&show)?)?;
            if json.json { out.json(&episodes) } else { out.text(render::episodes(&episodes)) }
        }
    }
}

fn scene(lib: &mut Library, out: &mut Out, command: SceneCommand) -> Result<()> {
    match command {
        SceneCommand::Add { show, title, episode, description } => {
            let show_id = lib.find_show(&show)?;
            let id = lib.add_scene(show_id, &SceneInput { episode, title, description })?;
            out.line(format!("added scene #{id} {} to {}", lib.scene(id)?.title, lib.show(show_id)?.title))
        }
        SceneCommand::List { show, json } => {
            let scenes = lib.scenes(lib.find_show(&show)?)?;
            if json.json { out.json(&scenes) } else { out.text(render::scenes(&scenes)) }
        }
    }
}

fn person(lib: &mut Library, out: &mut Out, command: PersonCommand) -> Result<()> {
    match command {
        PersonCommand::Add { name, native, aliases } => {
            let id = lib.add_person(&PersonInput { name, native_name: native, aliases })?;
            out.line(format!("added person #{id} {}", render::person_name(&lib.person(id)?)))
        }
        PersonCommand::List { json } => {
            let people = lib.people()?;
            if json.json { out.json(&people) } else { out.text(render::people(&people)) }
        }
        PersonCommand::Show { person, json } => {
            let id = lib.find_person(&person)?;
            let (person, roles) = (lib.person(id)?, lib.roles_of(id)?);
            if json.json {
                out.json(&serde_json::json!({ "person": person, "roles": roles }))
            } else {
                out.text(render::person_detail(&person, &roles))
            }
        }
        PersonCommand::Alias { person, aliases } => {
            let id = lib.find_person(&person)?;
            lib.add_person_aliases(id, &aliases)?;
            out.line(format!("#{id} is also known as {}", lib.person(id)?.aliases.join(", ")))
        }
        PersonCommand::Merge { from, into } => {
            let (from, into) = (lib.find_person(&from)?, lib.find_person(&into)?);
            let gone = lib.person(from)?.name;
            lib.merge_people(from, into)?;
            out.line(format!("merged {gone} into #{into} {}", render::person_name(&lib.person(into)?)))
        }
        PersonCommand::Rm { person } => {
            let id = lib.find_person(&person)?;
            let name = lib.person(id)?.name;
            lib.delete_person(id)?;
            out.line(format!("removed person #{id} {name}"))
        }
    }
}

fn role(lib: &mut Library, out: &mut Out, command: RoleCommand) -> Result<()> {
    match command {
        RoleCommand::Add { person, show, character, native } => {
            let (person, show) = (lib.find_person(&person)?, lib.find_show(&show)?);
            let id = lib.add_role(person, show, &RoleInput { character, native_character: native })?;
            let role = lib.role(id)?;
            out.line(format!(
                "added role #{id}: {} as {} in {}",
                role.person,
                render::character(&role),
                role.show
            ))
        }
        RoleCommand::List { show, json } => {
            let cast = lib.cast_of(lib.find_show(&show)?)?;
            if json.json { out.json(&cast) } else { out.text(render::roles(&cast)) }
        }
    }
}

fn clip(lib: &mut Library, out: &mut Out, command: ClipCommand) -> Result<()> {
    match command {
        ClipCommand::List { json } => {
            let clips = lib.clips()?;
            if json.json { out.json(&clips) } else { out.text(render::clips(&clips)) }
        }
        ClipCommand::Show { clip, json } => {
            let detail = lib.clip(lib.find_clip(&clip)?)?;
            if json.json { out.json(&detail) } else { out.text(render::clip_detail(&detail)) }
        }
        ClipCommand::Set { clip, title, show, no_show, episode, note, description } => {
            let id = lib.find_clip(&clip)?;
            let show_id = match (show, no_show) {
                (Some(show), _) => Some(Some(lib.find_show(&show)?)),
                (None, true) => Some(None),
                (None, false) => None,
            };
            let nothing = title.is_none()
                && show_id.is_none()
                && episode.is_none()
                && note.is_none()
                && description.is_none();
            if nothing {
                bail!(
                    "clip set: nothing to change (give --title, --show, --no-show, --episode, --note or --description)"
                );
            }
            let patch = ClipPatch {
                title,
                description: description.map(Some),
                note: note.map(Some),
                show_id,
                episode: episode.map(Some),
            };
            lib.update_clip(id, &patch)?;
            out.text(render::clip_detail(&lib.clip(id)?))
        }
        ClipCommand::Poster { clip, time, default } => {
            let id = lib.find_clip(&clip)?;
            match time.filter(|_| !default) {
                Some(time) => lib.use_frame_as_poster(id, parse_time("time", &time)?)?,
                None => lib.use_default_poster(id)?,
            }
            // The poster is made now, as `outtake thumbnails` would.
            crate::progress::thumbnails(lib)?;
            let poster = lib.clip_poster(id)?;
            out.line(match poster {
                Some(path) => format!("poster of clip #{id}: {}", path.display()),
                None => format!("poster of clip #{id} chosen; it is made when ffmpeg can read the video"),
            })
        }
        ClipCommand::Rm { clip } => {
            let id = lib.find_clip(&clip)?;
            let title = lib.clip(id)?.title;
            lib.delete_clip(id)?;
            out.line(format!("removed clip #{id} {title} from the library (its file is untouched)"))
        }
    }
}

fn tags(lib: &mut Library, out: &mut Out, command: TagsCommand) -> Result<()> {
    match command {
        TagsCommand::List { json } => {
            let tags = lib.tags()?;
            if json.json { out.json(&tags) } else { out.text(render::tags(&tags)) }
        }
        TagsCommand::Rename { tag, name } => {
            let id = lib.find_tag(&tag)?;
            lib.rename_tag(id, &name)?;
            out.line(format!("renamed tag #{id} to {}", lib.tag(id)?.full_name))
        }
        TagsCommand::Alias { tag, alias } => {
            let id = lib.find_tag(&tag)?;
            lib.add_tag_alias(id, &alias)?;
            out.line(format!(
                "{} is also known as {}",
                lib.tag(id)?.full_name,
                lib.tag(id)?.aliases.join(", ")
            ))
        }
        TagsCommand::Parent { tag, parent } => {
            let (id, parent) = (lib.find_tag(&tag)?, lib.find_tag(&parent)?);
            lib.add_tag_parent(id, parent)?;
            out.line(format!("{} is now under {}", lib.tag(id)?.full_name, lib.tag(parent)?.full_name))
        }
        TagsCommand::Merge { from, into } => {
            let (from, into) = (lib.find_tag(&from)?, lib.find_tag(&into)?);
            let gone = lib.tag(from)?.full_name;
            lib.merge_tags(from, into)?;
            out.line(format!("merged {gone} into {}", lib.tag(into)?.full_name))
        }
        TagsCommand::Rm { tag } => {
            let id = lib.find_tag(&tag)?;
            let name = lib.tag(id)?.full_name;
            lib.delete_tag(id)?;
            out.line(format!("removed tag {name}"))
        }
    }
}

/// Options written after the query (`outtake search horse --json`): the query
/// takes words that start with `-` (`-blooper`), so these reach it as words.
#[derive(Default)]
struct SearchOptions {
    json: bool,
    limit: Option<usize>,
    save: Option<String>,
}

fn trailing_options(words: Vec<String>) -> Result<(Vec<String>, SearchOptions)> {
    let mut options = SearchOptions::default();
    let mut query = Vec::new();
    let mut words = words.into_iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--json" => options.json = true,
            "--limit" => {
                let value = words.next().context("--limit needs a number")?;
                options.limit =
                    Some(value.parse().with_context(|| format!("--limit: \"{value}\" is not a number"))?);
            }
            "--save" => options.save = Some(words.next().context("--save needs a name")?),
            _ => query.push(word),
        }
    }
    Ok((query, options))
}

/// `Kim Yoo Jung` or `Kim Yoo Jung as Hong Chun Gi`: a person, maybe as a character.
fn cast_input(lib: &Library, text: &str) -> Result<CastInput> {
    match lib.find_person(text) {
        Ok(person_id) => Ok(CastInput { person_id, character: None }),
        Err(Error::NotFound { .. }) if text.contains(" as ") => {
            let (person, character) = text.rsplit_once(" as ").expect("checked above");
            Ok(CastInput {
                person_id: lib.find_person(person)?,
                character: Some(character.trim().to_string()),
            })
        }
        Err(error) => Err(error.into()),
    }
}

fn marker(lib: &mut Library, out: &mut Out, command: MarkerCommand) -> Result<()> {
    match command {
        MarkerCommand::Add { clip, start, end, title, scene, cast, tags, note, quote } => {
            let clip_id = lib.find_clip(&clip)?;
            let show_id = lib.clip(clip_id)?.show_id;
            let scene_id = scene.map(|s| lib.find_scene(&s, show_id)).transpose()?;
            let cast = cast.iter().map(|c| cast_input(lib, c)).collect::<Result<Vec<_>>>()?;
            let input = MarkerInput {
                start_ms: parse_time("start", &start)?,
                end_ms: end.map(|e| parse_time("end", &e)).transpose()?,
                title,
                scene_id,
                cast,
                tags,
                note,
                quote,
            };
            let id = lib.add_marker(clip_id, &input)?;
            out.line(format!("added marker {}", render::marker_line(&lib.marker(id)?)))
        }
        MarkerCommand::List { clip, json } => {
            let markers = lib.markers(lib.find_clip(&clip)?)?;
            if json.json { out.json(&markers) } else { out.text(render::markers(&markers)) }
        }
        MarkerCommand::Rm { marker } => {
            let id: i64 = marker
                .trim()
                .trim_start_matches('#')
                .parse()
                .with_context(|| format!("marker: \"{marker}\" is not a marker id like #12"))?;
            lib.delete_marker(id)?;
            out.line(format!("removed marker #{id}"))
        }
    }
}

fn folder(lib: &mut Library, out: &mut Out, command: FolderCommand) -> Result<()> {
    match command {
        FolderCommand::Add { path } => {
            let id = lib.add_folder(&path)?;
            let folder = lib.folders()?.into_iter().find(|f| f.id == id).context("folder was not stored")?;
            out.line(format!("watching #{id} {}", folder.path))
        }
        FolderCommand::List { json } => {
            let folders = lib.folders()?;
            if json.json { out.json(&folders) } else { out.text(render::folders(&folders)) }
        }
        FolderCommand::Rm { folder } => {
            let id = lib.find_folder(&folder)?;
            lib.remove_folder(id)?;
            out.line(format!("stopped watching #{id} {}", PathBuf::from(folder).display()))
        }
    }
}
