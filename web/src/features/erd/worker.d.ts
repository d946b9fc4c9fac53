// The layout worker's script, named by web/build.mjs (it carries a content hash).
declare const __ERD_LAYOUT_WORKER__: string;
