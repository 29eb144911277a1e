import type { Dataset } from "./dataset";
import { SeededRandom } from "./random";

/**
 * A synthetic German credit risk data set with the IBM tutorials' 20 features and the `Risk` label.
 *
 * Features are drawn with plausible dependencies (loan amount grows with duration, the young are more often
 * newly employed, ...), and the label from a logistic latent score. The score has a deliberate bias: being
 * female, or aged 18–25, raises the risk, so the fairness monitor finds disparate impact on `Sex` and `Age`.
 * About one row in three is `Risk`. The same seed gives the same rows everywhere.
 *
 * `drift: true` draws a shifted population for the drift monitor: older applicants (some past the training data's
 * oldest), longer and larger loans (some past its largest), and a changed world in which the checking account
 * tells the opposite of what it did and applicants over 60 are riskier, so a model trained on the unshifted rows is
 * less often right.
 */
export const CREDIT_RISK_FEATURES = [
  "CheckingStatus",
  "LoanDuration",
  "CreditHistory",
  "LoanPurpose",
  "LoanAmount",
  "ExistingSavings",
  "EmploymentDuration",
  "InstallmentPercent",
  "Sex",
  "OthersOnLoan",
  "CurrentResidenceDuration",
  "OwnsProperty",
  "Age",
  "InstallmentPlans",
  "Housing",
  "ExistingCreditsCount",
  "Job",
  "Dependents",
  "Telephone",
  "ForeignWorker",
] as const;

export const CREDIT_RISK_CATEGORICAL = [
  "CheckingStatus",
  "CreditHistory",
  "LoanPurpose",
  "ExistingSavings",
  "EmploymentDuration",
  "Sex",
  "OthersOnLoan",
  "OwnsProperty",
  "InstallmentPlans",
  "Housing",
  "Job",
  "Telephone",
  "ForeignWorker",
];

/** Share of rows labelled `Risk`. */
const RISK_SHARE = 1 / 3;

/** How much each value moves the latent risk score (log-odds). The bias lives in `sex` and `youngAge`. */
const EFFECT = {
  checking: { less_0: 1.0, "0_to_200": 0.5, no_checking: -0.8, greater_200: -0.4 } as Record<string, number>,
  history: { prior_payments_delayed: 0.8, outstanding_credit: 0.5, no_credits: 0.6, all_credits_paid_back: -0.2, credits_paid_to_date: -0.3 } as Record<string, number>,
  savings: { less_100: 0.4, "100_to_500": 0.1, "500_to_1000": -0.2, unknown: -0.3, greater_1000: -0.6 } as Record<string, number>,
  employment: { unemployed: 0.6, less_1: 0.4, "1_to_4": 0.1, "4_to_7": -0.2, greater_7: -0.4 } as Record<string, number>,
  others: { none: 0, "co-applicant": 0.3, guarantor: -0.5 } as Record<string, number>,
  property: { unknown: 0.5, car_other: 0.1, savings_insurance: 0, real_estate: -0.4 } as Record<string, number>,
  plans: { none: 0, stores: 0.4, bank: 0.3 } as Record<string, number>,
  housing: { own: -0.2, free: 0.2, rent: 0.3 } as Record<string, number>,
  job: { unemployed: 0.5, unskilled: 0.2, skilled: 0, "management_self-employed": -0.2 } as Record<string, number>,
  sex: { female: 0.7, male: 0 } as Record<string, number>,
  youngAge: 0.6,
};

export function generateCreditRisk(options: { rows?: number; seed?: number | string; drift?: boolean } = {}): Dataset {
  const count = options.rows ?? 5000;
  const drift = options.drift === true;
  const random = new SeededRandom(`credit-risk:${options.seed ?? 42}${drift ? ":drift" : ""}`);
  const rows: (string | number)[][] = [];
  const scores: number[] = [];
  for (let i = 0; i < count; i++) {
    const sex = random.choice(["female", "male"], [0.35, 0.65]);
    const age = drift ? clampInt(random.normal(54, 12), 19, 90) : clampInt(random.normal(36, 11), 19, 75);
    const checking = random.choice(["0_to_200", "less_0", "no_checking", "greater_200"], [0.28, 0.27, 0.35, 0.1]);
    const duration = drift ? clampInt(random.normal(33, 12), 4, 72) : clampInt(random.normal(21, 11), 4, 64);
    const history = random.choice(
      ["credits_paid_to_date", "prior_payments_delayed", "outstanding_credit", "all_credits_paid_back", "no_credits"],
      [0.35, 0.25, 0.15, 0.15, 0.1],
    );
    const purpose = random.choice(
      ["other", "car_new", "car_used", "furniture", "retraining", "education", "vacation", "appliances", "business", "radio_tv", "repairs"],
      [0.05, 0.18, 0.1, 0.16, 0.03, 0.06, 0.03, 0.1, 0.09, 0.16, 0.04],
    );
    const amount = drift
      ? clampInt(250 + duration * 190 * Math.exp(random.normal(0, 0.45)), 250, 24000)
      : clampInt(250 + duration * 120 * Math.exp(random.normal(0, 0.45)), 250, 11700);
    const savings = random.choice(["100_to_500", "less_100", "500_to_1000", "unknown", "greater_1000"], [0.2, 0.45, 0.12, 0.15, 0.08]);
    const employment = age <= 25
      ? random.choice(["less_1", "1_to_4", "greater_7", "4_to_7", "unemployed"], [0.4, 0.4, 0.02, 0.1, 0.08])
      : random.choice(["less_1", "1_to_4", "greater_7", "4_to_7", "unemployed"], [0.12, 0.32, 0.28, 0.22, 0.06]);
    const installment = random.integer(1, 6);
    const others = random.choice(["none", "co-applicant", "guarantor"], [0.8, 0.1, 0.1]);
    const residence = random.integer(1, 6);
    const property = random.choice(["savings_insurance", "real_estate", "unknown", "car_other"], [0.3, 0.3, 0.15, 0.25]);
    const plans = random.choice(["none", "stores", "bank"], [0.75, 0.1, 0.15]);
    const housing = age <= 25 ? random.choice(["own", "free", "rent"], [0.35, 0.15, 0.5]) : random.choice(["own", "free", "rent"], [0.65, 0.12, 0.23]);
    const credits = random.choice([1, 2, 3, 4], [0.6, 0.3, 0.08, 0.02]);
    const job = random.choice(["skilled", "management_self-employed", "unskilled", "unemployed"], [0.6, 0.15, 0.2, 0.05]);
    const dependents = random.choice([1, 2], [0.8, 0.2]);
    const telephone = random.choice(["none", "yes"], [0.6, 0.4]);
    const foreign = random.choice(["yes", "no"], [0.95, 0.05]);

    scores.push(
      EFFECT.checking[checking]! +
        0.04 * (duration - 21) +
        0.00008 * (amount - 3000) +
        EFFECT.history[history]! +
        EFFECT.savings[savings]! +
        EFFECT.employment[employment]! +
        0.15 * (installment - 3) +
        EFFECT.others[others]! +
        EFFECT.property[property]! +
        EFFECT.plans[plans]! +
        EFFECT.housing[housing]! +
        EFFECT.job[job]! +
        EFFECT.sex[sex]! +
        (age <= 25 ? EFFECT.youngAge : 0) +
        (drift ? -1.5 * EFFECT.checking[checking]! + (age > 60 ? 0.8 : 0) : 0) +
        random.normal(0, 0.5),
    );
    rows.push([
      checking, duration, history, purpose, amount, savings, employment, installment, sex, others,
      residence, property, age, plans, housing, credits, job, dependents, telephone, foreign,
    ]);
  }
  const offset = offsetForShare(scores, RISK_SHARE);
  rows.forEach((row, i) => row.push(random.next() < sigmoid(scores[i]! + offset) ? "Risk" : "No Risk"));
  return {
    name: "German credit risk (synthetic)",
    fields: [...CREDIT_RISK_FEATURES, "Risk"],
    values: rows,
    feature_columns: [...CREDIT_RISK_FEATURES],
    categorical_columns: [...CREDIT_RISK_CATEGORICAL],
    label_column: "Risk",
    labels: ["No Risk", "Risk"],
  };
}

function clampInt(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(x)));
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** The intercept that makes the mean predicted probability equal `share` (bisection; the mean is monotone in it). */
function offsetForShare(scores: number[], share: number): number {
  let lo = -20;
  let hi = 20;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const mean = scores.reduce((s, z) => s + sigmoid(z + mid), 0) / scores.length;
    if (mean < share) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
