// The typed IPC API of the app: import everything from here.
export * from './contract';
