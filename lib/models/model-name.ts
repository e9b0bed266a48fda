// A registry name: what lib/models/registry.ts accepts, and what job parameters naming a new
// model check (kept free of server imports, so forms can use it).
import { z } from "zod";

export const modelNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\w.@:/+-]+$/, "letters, digits and . _ - @ : / + only");
