// protobufjs ships CommonJS and a classic script only; this module hands the global the script sets to ES imports.
const protobuf = globalThis.protobuf;
if (!protobuf) throw new Error('protobufjs is not loaded: add <script src=".../protobufjs/dist/protobuf.min.js"> before the module script');
export default protobuf;
