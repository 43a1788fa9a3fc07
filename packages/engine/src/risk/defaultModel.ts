import fitted from "./defaultModel.json" with { type: "json" };
import { defectionModelSchema, type DefectionModel } from "./model.ts";

/**
 * The built-in defection model: the fit command's output, kept verbatim beside this file (its `fittedOn`
 * says on what). Checked against the schema on load, like any model file a rules file names. A deployment
 * fits its own on its history (docs/backtest.md, "Fitting the model").
 */
// Frozen with the default config that holds it.
export const defaultModel: DefectionModel = defectionModelSchema.parse(fitted);
