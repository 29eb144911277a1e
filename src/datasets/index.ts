export { generateCreditRisk, CREDIT_RISK_FEATURES, CREDIT_RISK_CATEGORICAL } from "./credit-risk";
export { generateIris } from "./iris";
export { rowsOf, type Dataset } from "./dataset";
export { SeededRandom } from "./random";
