/**
 * Model files in the formats transformers reads: safetensors, config.json
 * (GPT2Config), generation_config.json, and whole model directories
 * (saveModelDir / loadModelDir, written all-or-nothing). Also the GPT-2 parameter
 * shapes for a config and their Hugging Face initialization.
 */
export { writeAtomic, writeFileAtomic, tempPathFor, replaceDirectoryAtomic, relativePathInside } from "./atomic-write";
export {
  parseSafetensors,
  parseSafetensorsHeader,
  readSafetensors,
  readSafetensorsHeader,
  serializeSafetensors,
  writeSafetensors,
  type SafetensorsTensor,
  type SafetensorsDtype,
  type SafetensorsFile,
  type SafetensorsHeader,
  type SafetensorsHeaderEntry,
  type WritableTensor,
} from "./safetensors";
export {
  GPT2ConfigSchema,
  createGPT2Config,
  parseGPT2Config,
  withArchitecture,
  isSequenceClassifier,
  toGpt2Config,
  type GPT2Config,
  type GPT2Architecture,
  type CreateGPT2ConfigOptions,
} from "./config-json";
export {
  GenerationConfigSchema,
  createGenerationConfig,
  parseGenerationConfig,
  eosTokenIds,
  type GenerationConfig,
  type CreateGenerationConfigOptions,
} from "./generation-config";
export { SCORE_WEIGHT, gpt2ParamShapes, checkGPT2Params, initGPT2Params, type FloatTensor, type NamedParams, type CheckParamsOptions } from "./gpt2-params";
export {
  CONFIG_FILE,
  GENERATION_CONFIG_FILE,
  WEIGHTS_FILE,
  ONNX_FILE,
  saveModelDir,
  loadModelDir,
  type ModelDir,
  type SaveModelDirInput,
  type LoadModelDirOptions,
} from "./model-dir";
