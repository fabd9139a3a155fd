/**
 * The part of the WebAssembly JavaScript API the engine uses (engine/io/plain-record-wasm.ts):
 * Node has it as a global, but the project's libraries (ES2023 and Node's types, no DOM) do not
 * declare it.
 */
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
