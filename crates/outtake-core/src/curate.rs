//! Curating from the app: markers written with names, as the fan types them
//! (a person, a scene, tags), and edits to many clips at once, each one edit
//! in the history (`history/mod.rs`), undone as a whole.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::clips::{ClipPatch, credit_in, update_clip_in};
use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, require};
use crate::markers::{CastInput, MarkerInput};
use crate::shows::SceneInput;
use crate::tags::ensure_tag;

/// Someone in a marker: a person by any name, alias or `#id`, as a character when given
/// (else as their role in the clip's show, when they have one).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CastDraft {
    pub person: String,
    pub character: Option<String>,
}

/// A marker as the fan writes it: names, not ids. A scene that does not exist
/// yet is created in the clip's show.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MarkerDraft {
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub title: Option<String>,
    pub scene: Option<String>,
    pub cast: Vec<CastDraft>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub quote: Option<String>,
}

/// A tag put on a clip by a bulk edit (what undoing it takes off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClipTag {
    pub clip_id: i64,
    pub tag_id: i64,
}

/// Where a clip sits: its show and episode number (what a bulk "set show" changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClipPlace {
    pub clip_id: i64,
    pub show_id: Option<i64>,
    pub episode: Option<i64>,
}

fn blank_to_none(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

impl Library {
    fn marker_input(&mut self, clip_id: i64, draft: &MarkerDraft) -> Result<MarkerInput> {
        let show_id = self.clip(clip_id)?.show_id;
        let scene_id = match (blank_to_none(&draft.scene), show_id) {
            (None, _) => None,
            (Some(scene), show) => match self.find_scene(&scene, show) {
                Ok(id) => Some(id),
                Err(Error::NotFound { .. }) if show.is_some() && !scene.starts_with('#') => {
                    let input = SceneInput { title: scene, ..Default::default() };
                    Some(self.add_scene(show.expect("checked above"), &input)?)
                }
                Err(Error::NotFound { .. }) if show.is_none() => {
                    return Err(Error::invalid(
                        "scene",
                        format!(
                            "\"{scene}\" is not a scene, and this clip has no show to add it to: set its show first"
                        ),
                    ));
                }
                Err(error) => return Err(error),
            },
        };
        let mut cast = Vec::new();
        for member in &draft.cast {
            if member.person.trim().is_empty() {
                continue;
            }
            cast.push(CastInput {
                person_id: self.find_person(&member.person)?,
                character: blank_to_none(&member.character),
            });
        }
        let tags =
            draft.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).map(str::to_string).collect();
        Ok(MarkerInput {
            start_ms: draft.start_ms,
            end_ms: draft.end_ms,
            title: blank_to_none(&draft.title),
            scene_id,
            cast,
            tags,
            note: blank_to_none(&draft.note),
            quote: blank_to_none(&draft.quote),
        })
    }

    /// Adds a marker written with names; returns its id.
    pub fn add_marker_draft(&mut self, clip_id: i64, draft: &MarkerDraft) -> Result<i64> {
        let input = self.marker_input(clip_id, draft)?;
        self.add_marker(clip_id, &input)
    }

    /// Replaces a marker with what the draft says.
    pub fn update_marker_draft(&mut self, id: i64, draft: &MarkerDraft) -> Result<()> {
        let clip_id = self.marker(id)?.clip_id;
        let input = self.marker_input(clip_id, draft)?;
        self.update_marker(id, &input)
    }

    /// A marker as a draft that recreates it exactly (people and scene by `#id`).
    pub fn marker_draft(&self, id: i64) -> Result<MarkerDraft> {
        let marker = self.marker(id)?;
        Ok(MarkerDraft {
            start_ms: marker.start_ms,
            end_ms: marker.end_ms,
            title: marker.title,
            scene: marker.scene_id.map(|s| format!("#{s}")),
            cast: marker
                .cast
                .into_iter()
                .map(|c| CastDraft { person: format!("#{}", c.person_id), character: c.character })
                .collect(),
            tags: marker.tags,
            note: marker.note,
            quote: marker.quote,
        })
    }

    /// Tags many clips in one transaction; returns the (clip, tag) pairs that are new.
    pub fn tag_clips(&mut self, clip_ids: &[i64], tags: &[String]) -> Result<Vec<ClipTag>> {
        let tags: Vec<&str> = tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect();
        if tags.is_empty() {
            return Err(Error::invalid("tags", "name at least one tag"));
        }
        self.edit(format!("tag {} clips: {}", clip_ids.len(), tags.join(", ")), |tx| {
            let mut added = Vec::new();
            for &clip_id in clip_ids {
                require(tx, EntityKind::Clip, clip_id)?;
                for tag in &tags {
                    let tag_id = ensure_tag(tx, tag)?;
                    let inserted = tx.execute(
                        "INSERT OR IGNORE INTO clip_tag (clip_id, tag_id) VALUES (?1, ?2)",
                        params![clip_id, tag_id],
                    )?;
                    if inserted == 1 {
                        added.push(ClipTag { clip_id, tag_id });
                    }
                }
            }
            Ok(added)
        })
    }

    /// Puts many clips in a show (by any title or alias; `None` takes them out of
    /// any) and episode, as one edit; returns where each was before.
    pub fn place_clips(
        &mut self,
        clip_ids: &[i64],
        show: Option<&str>,
        episode: Option<i64>,
    ) -> Result<Vec<ClipPlace>> {
        let show_id = show.map(str::trim).filter(|s| !s.is_empty()).map(|s| self.find_show(s)).transpose()?;
        if show_id.is_none() && episode.is_some() {
            return Err(Error::invalid("episode", "an episode needs a show"));
        }
        let mut before = Vec::new();
        for &clip_id in clip_ids {
            let clip = self.clip(clip_id)?;
            before.push(ClipPlace { clip_id, show_id: clip.show_id, episode: clip.episode });
        }
        let places: Vec<ClipPlace> =
            clip_ids.iter().map(|&clip_id| ClipPlace { clip_id, show_id, episode }).collect();
        self.edit(format!("place {} clips", clip_ids.len()), |tx| restore_places_in(tx, &places))?;
        Ok(before)
    }

    /// Credits a person on many clips; returns the clips where they were not credited before.
    pub fn credit_clips(
        &mut self,
        clip_ids: &[i64],
        person: &str,
        character: Option<&str>,
    ) -> Result<Vec<i64>> {
        let person_id = self.find_person(person)?;
        let character = character.map(str::trim).filter(|c| !c.is_empty());
        let description = format!("credit person #{person_id} in {} clips", clip_ids.len());
        self.edit(description, |tx| {
            let mut added = Vec::new();
            for &clip_id in clip_ids {
                let known: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM credit WHERE clip_id = ?1 AND person_id = ?2)",
                    params![clip_id, person_id],
                    |r| r.get(0),
                )?;
                if !known {
                    credit_in(tx, clip_id, person_id, character)?;
                    added.push(clip_id);
                }
            }
            Ok(added)
        })
    }
}

fn restore_places_in(tx: &rusqlite::Connection, places: &[ClipPlace]) -> Result<()> {
    for place in places {
        let patch =
            ClipPatch { show_id: Some(place.show_id), episode: Some(place.episode), ..Default::default() };
        update_clip_in(tx, place.clip_id, &patch)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClipInput, PersonInput, RoleInput, ShowInput};

    fn library() -> (Library, i64, i64) {
        let mut library = Library::open_in_memory().unwrap();
        let show = library
            .add_show(&ShowInput { title: "Lovers of the Red Sky".into(), ..Default::default() })
            .unwrap();
        let kim = library
            .add_person(&PersonInput {
                name: "Kim Yoo Jung".into(),
                native_name: Some("김유정".into()),
                ..Default::default()
            })
            .unwrap();
        library
            .add_role(kim, show, &RoleInput { character: "Hong Chun Gi".into(), ..Default::default() })
            .unwrap();
        let clip = library
            .add_clip(&ClipInput { title: "making-of".into(), show_id: Some(show), ..Default::default() })
            .unwrap();
        (library, clip, kim)
    }

    #[test]
    fn a_draft_names_people_and_scenes_and_round_trips() {
        let (mut library, clip, kim) = library();
        let draft = MarkerDraft {
            start_ms: 420_000,
            end_ms: Some(480_000),
            title: Some("Tearful farewell".into()),
            scene: Some("Farewell".into()),
            cast: vec![CastDraft { person: "김유정".into(), character: None }],
            tags: vec!["mood:emotional".into(), " ".into()],
            quote: Some("I'm okay.".into()),
            note: Some("  ".into()),
        };
        let id = library.add_marker_draft(clip, &draft).unwrap();
        let marker = library.marker(id).unwrap();
        assert_eq!(marker.scene.as_deref(), Some("Farewell"));
        assert_eq!(
            (marker.cast[0].person_id, marker.cast[0].character.as_deref()),
            (kim, Some("Hong Chun Gi"))
        );
        assert_eq!(marker.tags, vec!["mood:emotional"]);
        assert_eq!(marker.note, None);
        // Deleting and re-adding from the saved draft gives the same marker back.
        let saved = library.marker_draft(id).unwrap();
        library.delete_marker(id).unwrap();
        let again_id = library.add_marker_draft(clip, &saved).unwrap();
        let again = library.marker(again_id).unwrap();
        assert_eq!(
            (again.title, again.scene, again.cast, again.tags),
            (marker.title, marker.scene, marker.cast, marker.tags)
        );
    }

    #[test]
    fn a_bad_name_in_a_draft_says_which() {
        let (mut library, clip, _) = library();
        let draft = MarkerDraft {
            cast: vec![CastDraft { person: "Nobody".into(), character: None }],
            ..Default::default()
        };
        let error = library.add_marker_draft(clip, &draft).unwrap_err();
        assert!(error.to_string().contains("Nobody"), "{error}");
        assert!(library.markers(clip).unwrap().is_empty());
    }

    #[test]
    fn bulk_tags_report_only_what_they_added_and_undo_exactly() {
        let (mut library, clip, _) = library();
        let other = library.add_clip(&ClipInput { title: "bloopers".into(), ..Default::default() }).unwrap();
        library.tag_clip(clip, &["type:blooper".into()]).unwrap();
        let added = library.tag_clips(&[clip, other], &["type:blooper".into()]).unwrap();
        assert_eq!(added.iter().map(|p| p.clip_id).collect::<Vec<_>>(), vec![other]);
        library.undo(None).unwrap();
        assert_eq!(library.clip(clip).unwrap().tags, vec!["type:blooper"]);
        assert!(library.clip(other).unwrap().tags.is_empty());
        assert!(library.tag_clips(&[clip, 999], &["x".into()]).is_err());
        assert_eq!(
            library.clip(clip).unwrap().tags,
            vec!["type:blooper"],
            "a failed bulk edit changes nothing"
        );
    }

    #[test]
    fn clips_placed_in_a_show_go_back_where_they_were() {
        let (mut library, clip, _) = library();
        let loose =
            library.add_clip(&ClipInput { title: "phone clip".into(), ..Default::default() }).unwrap();
        let before = library.place_clips(&[clip, loose], Some("lovers of the red sky"), Some(3)).unwrap();
        for id in [clip, loose] {
            let placed = library.clip(id).unwrap();
            assert_eq!((placed.show.as_deref(), placed.episode), (Some("Lovers of the Red Sky"), Some(3)));
        }
        assert_eq!(before.len(), 2);
        library.undo(None).unwrap();
        assert_eq!(library.clip(clip).unwrap().episode, None);
        assert!(library.clip(clip).unwrap().show.is_some());
        assert_eq!(library.clip(loose).unwrap().show, None);
        assert!(library.place_clips(&[clip], None, Some(2)).is_err());
        assert!(library.place_clips(&[clip], Some("No such show"), None).is_err());
    }

    #[test]
    fn bulk_credits_report_new_clips() {
        let (mut library, clip, kim) = library();
        library.credit(clip, kim, None).unwrap();
        let other = library.add_clip(&ClipInput { title: "bloopers".into(), ..Default::default() }).unwrap();
        assert_eq!(library.credit_clips(&[clip, other], "Kim Yoo Jung", None).unwrap(), vec![other]);
    }
}
