//! The edge between the window and the core: the `{kind, message}` error,
//! the `commands!` macro that declares every command once, and the
//! TypeScript the UI imports (`ui/src/lib/api/bindings.ts`), generated from
//! the same declarations so a renamed command or field fails `npm run check`.

use std::any::TypeId;
use std::collections::HashSet;

use serde::Serialize;
use ts_rs::{Config, TS, TypeVisitor};

/// How a command fails, as the UI receives it: switch on `kind`, show `message`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct IpcError {
    pub kind: IpcErrorKind,
    pub message: String,
}

/// The core's error kinds, and `app` for the shell's own failures; in
/// TypeScript a union of strings, so a component comparing a misspelt kind
/// fails `npm run check`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(untagged)]
pub enum IpcErrorKind {
    Core(outtake_core::ErrorKind),
    App(AppKind),
}

/// The shell's own failures (a file manager that would not open, …).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AppKind {
    App,
}

impl IpcError {
    pub fn app(message: impl Into<String>) -> IpcError {
        IpcError { kind: IpcErrorKind::App(AppKind::App), message: message.into() }
    }
}

impl From<outtake_core::Error> for IpcError {
    fn from(error: outtake_core::Error) -> IpcError {
        IpcError { kind: IpcErrorKind::Core(error.kind()), message: error.to_string() }
    }
}

/// One command as TypeScript sees it.
pub struct Signature {
    pub name: &'static str,
    pub docs: &'static str,
    /// Argument names and their TypeScript types.
    pub args: Vec<(&'static str, String)>,
    pub output: String,
    /// Declares the types the command mentions.
    pub visit: fn(&mut Declarations),
}

/// Declares every command once: the Tauri command (its body runs on a
/// blocking thread, off the async runtime, with the app handle as `$app`),
/// its place in the invoke handler, and its TypeScript signature.
///
/// `-> T => changed` after a signature tells every view the library changed
/// once the command succeeded (its library lock already released), so a
/// command body is only the core call.
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($app:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $out:ty $(=> $then:ident)? $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command(rename_all = "snake_case")]
            async fn $name(
                $app: tauri::AppHandle $(, $arg: $ty)*
            ) -> Result<$out, $crate::ipc::IpcError> {
                $( let notify = { let _ = stringify!($then); $app.clone() }; )?
                let run = move || -> Result<$out, $crate::ipc::IpcError> { $body };
                let result = tauri::async_runtime::spawn_blocking(run)
                    .await
                    .map_err(|error| $crate::ipc::IpcError::app(error.to_string()))?;
                $( if result.is_ok() { $then(&notify); } )?
                result
            }
        )*

        /// The handler that routes `invoke` calls to the commands above.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// The commands as TypeScript sees them.
        pub fn signatures(config: &ts_rs::Config) -> Vec<$crate::ipc::Signature> {
            vec![$(
                $crate::ipc::Signature {
                    name: stringify!($name),
                    docs: concat!($($doc, "\n",)* ""),
                    args: vec![$((stringify!($arg), <$ty as ts_rs::TS>::name(config))),*],
                    output: <$out as ts_rs::TS>::name(config),
                    visit: |declarations| {
                        $(declarations.declare::<$ty>();)*
                        declarations.declare::<$out>();
                    },
                }
            ),*]
        }
    };
}
pub(crate) use commands;

/// Collects the declarations of a type and everything it mentions, each once.
pub struct Declarations {
    config: Config,
    seen: HashSet<TypeId>,
    /// (name, declaration): sorted by name before writing, because the order
    /// ts-rs visits dependencies in is not stable.
    pub text: Vec<(String, String)>,
}

impl Declarations {
    /// Declares `T` and the types it mentions.
    pub fn declare<T: TS + 'static + ?Sized>(&mut self) {
        self.visit::<T>();
    }
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        if T::output_path().is_some() {
            let docs = T::docs().unwrap_or_default();
            self.text.push((T::ident(&self.config), format!("{docs}export {}", T::decl(&self.config))));
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// An event the shell emits, with its payload's type.
pub struct Event {
    pub key: &'static str,
    pub name: &'static str,
    pub payload: String,
    pub visit: fn(&mut Declarations),
}

/// TypeScript's name for a snake_case command.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn jsdoc(docs: &str, indent: &str) -> String {
    let lines: Vec<&str> = docs.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("{indent}/** {one} */\n"),
        many => {
            let body: String = many.iter().map(|l| format!("{indent} * {l}\n")).collect();
            format!("{indent}/**\n{body}{indent} */\n")
        }
    }
}

/// The whole `bindings.ts`: types, the `commands` object and the event names.
pub fn typescript(signatures: fn(&Config) -> Vec<Signature>, events: fn(&Config) -> Vec<Event>) -> String {
    let config = Config::new().with_large_int("number");
    let signatures = signatures(&config);
    let events = events(&config);
    let mut declarations = Declarations {
        config: Config::new().with_large_int("number"),
        seen: HashSet::new(),
        text: Vec::new(),
    };
    declarations.declare::<IpcError>();
    for signature in &signatures {
        (signature.visit)(&mut declarations);
    }
    for event in &events {
        (event.visit)(&mut declarations);
    }
    let mut out = String::from(
        "// Generated from src-tauri/src/commands.rs by `cargo xtask bindings`. Do not edit:\n\
         // `cargo xtask test` fails when this file is not what the Rust side declares.\n\
         import { invoke } from '@tauri-apps/api/core';\n\n",
    );
    declarations.text.sort();
    for (_, declaration) in &declarations.text {
        out.push_str(declaration);
        out.push_str("\n\n");
    }
    out.push_str(
        "/** Every command of the app. A rejected call gives an `IpcError`. */\nexport const commands = {\n",
    );
    for signature in &signatures {
        out.push_str(&jsdoc(signature.docs, "  "));
        let (params, args) = if signature.args.is_empty() {
            (String::new(), String::new())
        } else {
            let fields: Vec<String> =
                signature.args.iter().map(|(name, ty)| format!("{name}: {ty}")).collect();
            (format!("args: {{ {} }}", fields.join("; ")), ", args".to_string())
        };
        out.push_str(&format!(
            "  {}: ({params}) => invoke<{}>('{}'{args}),\n",
            camel(signature.name),
            signature.output,
            signature.name
        ));
    }
    out.push_str("};\n\n/** The events the app emits, by name. */\nexport const events = {\n");
    for event in &events {
        out.push_str(&format!("  {}: '{}',\n", event.key, event.name));
    }
    out.push_str("} as const;\n\n/** The payload of each event. */\nexport type EventPayloads = {\n");
    for event in &events {
        out.push_str(&format!("  '{}': {};\n", event.name, event.payload));
    }
    out.push_str("};\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_names_become_camel_case() {
        assert_eq!(super::camel("delete_saved_search"), "deleteSavedSearch");
        assert_eq!(super::camel("facets"), "facets");
    }
}
