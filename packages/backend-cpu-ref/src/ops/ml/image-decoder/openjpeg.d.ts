/** The package ships no types: its decoder build is an Emscripten module factory. */
declare module '@cornerstonejs/codec-openjpeg/decode' {
  const factory: (options?: object) => Promise<unknown>;
  export default factory;
}
