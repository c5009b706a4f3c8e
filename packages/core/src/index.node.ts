/** The Node entry: everything in the browser-safe entry, plus file-system loading of models and external data. */
export * from './index.js';
export { externalDataReader, loadModelFile, nodeFileSystem } from './node.js';
