/** Import of traces into a dataset: streaming reader, presets + field mapping, the batched importer. */
export { readRecords, RecordSplitter, iterateStream, excerptOf, type ReadRecord, type SourceFormat, type ReaderOptions } from "./reader";
export {
  PRESET_IDS,
  PRESET_LABELS,
  TARGET_FIELDS,
  LIMITS,
  fieldMappingSchema,
  detectPreset,
  mapRecord,
  presetMapping,
  getPath,
  listPaths,
  type PresetId,
  type PresetChoice,
  type FieldMapping,
  type MappedTrace,
  type MapResult,
  type TargetField,
} from "./presets";
export { curatedColumns, stepsFromTrajectory, type CuratedColumns } from "./curated";
export { runImport, contentHash, type ImportSummary, type ImportProgress, type RunImportArgs, type EnqueueRecount } from "./run";
