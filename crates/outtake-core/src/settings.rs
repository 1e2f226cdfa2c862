//! The fan's settings: one JSON file in the platform's config folder
//! (`$XDG_CONFIG_HOME/outtake/settings.json`, or `$OUTTAKE_SETTINGS`),
//! written atomically — a temporary file beside it, synced, then renamed over
//! it — so a crash mid-write leaves the old settings or the new, never half.
//! A file that is cut short, not JSON, or holds a value out of range is
//! reported once, set aside (renamed `settings.json.broken-<time>`, never
//! deleted), and the defaults are used: never a crash. Fields this version
//! does not know are kept as they are (a newer Outtake wrote them).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The largest settings file read (a real one is a few hundred bytes).
const MAX_BYTES: u64 = 64 * 1024;

/// What the fan chose; `None` everywhere means "the default".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Settings {
    /// The window's language: `ko` or `en`; none follows the system.
    pub language: Option<String>,
    /// `light` or `dark`; none follows the system.
    pub theme: Option<String>,
    /// The program that plays a clip outside the window (a path or a name on
    /// `PATH`); none tries mpv, then VLC, then the system's default.
    pub external_player: Option<String>,
    /// The library file opened at start; none is the default place. (The
    /// cache's size limit is the library's own: `Library::set_cache_limit`.)
    pub library: Option<String>,
    /// Whether the window reads the text on screen of new clips in the
    /// background; none is yes (`reads_screen_text`).
    pub read_screen_text: Option<bool>,
    /// The speech model (a whisper.cpp `ggml-*.bin` the fan downloaded, by
    /// its full path); none leaves speech off.
    pub speech_model: Option<String>,
    /// The language clips are spoken in: `ko`, `en` or `auto`; none is `auto`.
    pub speech_language: Option<String>,
    /// Fields a newer Outtake wrote, kept as they were.
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// Settings as read, and what was wrong with the file, if anything (to say once).
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub settings: Settings,
    pub problem: Option<String>,
}

/// Where the settings live: `$OUTTAKE_SETTINGS`, else `<config dir>/outtake/settings.json`.
pub fn settings_path() -> PathBuf {
    if let Some(path) = std::env::var_os("OUTTAKE_SETTINGS").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let base = directories::BaseDirs::new()
        .map(|dirs| dirs.config_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("outtake").join("settings.json")
}

impl Settings {
    /// Whether on-screen text is read in the background (the default).
    pub fn reads_screen_text(&self) -> bool {
        self.read_screen_text != Some(false)
    }

    /// Refuses a value no setting can take, naming the setting.
    pub fn check(&self) -> Result<()> {
        if let Some(language) = &self.language
            && !["ko", "en"].contains(&language.as_str())
        {
            return Err(Error::invalid("language", format!("\"{language}\" is not ko or en")));
        }
        if let Some(theme) = &self.theme
            && !["light", "dark"].contains(&theme.as_str())
        {
            return Err(Error::invalid("theme", format!("\"{theme}\" is not light or dark")));
        }
        if let Some(player) = &self.external_player
            && (player.trim().is_empty() || player.contains('\0'))
        {
            return Err(Error::invalid("external player", "is empty; leave it unset to use mpv or VLC"));
        }
        if let Some(library) = &self.library
            && !Path::new(library).is_absolute()
        {
            return Err(Error::invalid(
                "library",
                format!("{library} is not a full path (it starts with /)"),
            ));
        }
        if let Some(model) = &self.speech_model
            && !Path::new(model).is_absolute()
        {
            return Err(Error::invalid(
                "speech model",
                format!("{model} is not a full path (it starts with /)"),
            ));
        }
        if let Some(spoken) = &self.speech_language
            && let Err(why) = spoken.parse::<crate::speech::Spoken>()
        {
            return Err(Error::invalid("speech language", why));
        }
        Ok(())
    }
}

/// Reads the settings at `path`. No file is the defaults, quietly; a broken
/// one is set aside and named in `problem`.
pub fn load(path: &Path) -> Loaded {
    let defaults = |problem: Option<String>| Loaded { settings: Settings::default(), problem };
    let bytes = match std::fs::metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return defaults(None),
        Ok(meta) if meta.len() > MAX_BYTES => {
            Err(format!("it is {} bytes, more than settings ever take", meta.len()))
        }
        _ => std::fs::read(path).map_err(|error| format!("it cannot be read: {error}")),
    };
    let read = bytes.and_then(|bytes| {
        let settings: Settings =
            serde_json::from_slice(&bytes).map_err(|error| format!("it is not valid: {error}"))?;
        settings.check().map_err(|error| format!("it is not valid: {error}"))?;
        Ok(settings)
    });
    match read {
        Ok(settings) => Loaded { settings, problem: None },
        Err(why) => {
            let aside = set_aside(path);
            let kept = match &aside {
                Some(aside) => format!("it was kept as {}", aside.display()),
                None => "it could not be moved aside".to_string(),
            };
            defaults(Some(format!(
                "The settings file {} was not used ({why}); {kept}. Defaults apply.",
                path.display()
            )))
        }
    }
}

/// Renames a broken settings file out of the way; where it went.
fn set_aside(path: &Path) -> Option<PathBuf> {
    let stamp =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let mut name = path.file_name()?.to_os_string();
    name.push(format!(".broken-{stamp}"));
    let aside = path.with_file_name(name);
    std::fs::rename(path, &aside).ok()?;
    Some(aside)
}

/// Writes the settings at `path` atomically (its folder made if need be).
pub fn save(path: &Path, settings: &Settings) -> Result<()> {
    settings.check()?;
    let io = |source: std::io::Error| Error::Io { path: path.to_path_buf(), source };
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(io)?;
    }
    let mut text =
        serde_json::to_string_pretty(settings).map_err(|e| Error::invalid("settings", e.to_string()))?;
    text.push('\n');
    let mut temporary = path.as_os_str().to_os_string();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let written = (|| {
        use std::io::Write;
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(io(error));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &Path, text: &[u8]) -> PathBuf {
        let path = dir.join("settings.json");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn no_file_is_the_defaults_without_a_word() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load(&dir.path().join("settings.json"));
        assert_eq!(loaded, Loaded { settings: Settings::default(), problem: None });
    }

    #[test]
    fn saved_settings_come_back_and_unknown_fields_stay() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path(), br#"{"language": "en", "from_a_newer_outtake": [1, 2]}"#);
        let mut settings = load(&path).settings;
        assert_eq!(settings.language.as_deref(), Some("en"));
        settings.language = Some("ko".into());
        settings.theme = Some("dark".into());
        save(&path, &settings).unwrap();
        let again = load(&path);
        assert_eq!(again.problem, None);
        assert_eq!(again.settings, settings);
        assert!(std::fs::read_to_string(&path).unwrap().contains("from_a_newer_outtake"));
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["settings.json"], "no temporary file is left");
    }

    #[test]
    fn a_broken_file_is_named_set_aside_and_the_defaults_apply() {
        for (text, why) in [
            (&br#"{"language": "ko", "theme": "da"#[..], "not valid"),
            (&b"\x00\x01 not json"[..], "not valid"),
            (&br#"{"language": "fr"}"#[..], "fr"),
            (&br#"{"theme": 7}"#[..], "not valid"),
            (&b"[]"[..], "not valid"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let path = file(dir.path(), text);
            let loaded = load(&path);
            assert_eq!(loaded.settings, Settings::default());
            let problem = loaded.problem.expect("a problem is said");
            assert!(problem.contains(why) && problem.contains("settings.json"), "{problem}");
            assert!(!path.exists(), "the broken file is set aside");
            let aside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
            assert_eq!(aside.len(), 1);
            assert_eq!(std::fs::read(&aside[0]).unwrap(), text, "its bytes are kept");
            // Said once: the next start finds no file and says nothing.
            assert_eq!(load(&path).problem, None);
        }
    }

    #[test]
    fn values_out_of_range_are_refused_by_name() {
        let bad = [
            Settings { theme: Some("blue".into()), ..Settings::default() },
            Settings { library: Some("library.db".into()), ..Settings::default() },
            Settings { external_player: Some("  ".into()), ..Settings::default() },
            Settings { speech_model: Some("ggml-base.bin".into()), ..Settings::default() },
            Settings { speech_language: Some("fr".into()), ..Settings::default() },
        ];
        let dir = tempfile::tempdir().unwrap();
        let names = ["theme", "library", "external player", "speech model", "speech language"];
        for (settings, name) in bad.iter().zip(names) {
            let error = save(&dir.path().join("settings.json"), settings).unwrap_err();
            assert!(error.to_string().contains(name), "{error}");
        }
        assert!(!dir.path().join("settings.json").exists());
    }
}
