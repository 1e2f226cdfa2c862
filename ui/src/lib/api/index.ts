// The typed IPC API of the app: import everything from here. bindings.ts is
// generated from the Rust commands (`cargo xtask bindings`).
export * from './bindings';
