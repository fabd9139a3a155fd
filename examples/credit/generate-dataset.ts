/**
 * Generates examples/credit/credit.csv: 1,000 loan applications in the style of the German
 * credit data Clarify's own samples use (categorical features already integer-coded so the Flip
 * Test can run), with a true outcome, a model's prediction and a region group column.
 * Deterministic: a seeded PRNG, so re-running reproduces the committed file byte for byte.
 *
 *   node examples/credit/generate-dataset.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../../engine/seeded-random.ts";

// 1,000 rows keeps age (57 distinct values) above Clarify's 5% uniqueness rule, so the age
// facet is read as continuous and its threshold applies (with more rows it would be categorical).
const ROWS = 1000;
const random = seededRandom(20240601);
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const header = [
  "age",
  "sex",
  "income",
  "credit_amount",
  "duration",
  "purpose",
  "employment",
  "housing",
  "savings",
  "existing_credits",
  "dependents",
  "region",
  "credit_risk",
  "predicted_credit_risk",
];
const lines = [header.join(",")];
for (let i = 0; i < ROWS; i++) {
  // Skewed towards younger applicants, every age from 19 to 75 present.
  const age = 19 + Math.floor(57 * random() ** 1.5);
  // sex: 1 = female, 0 = male (about a third of applicants are women, as in the German data).
  const sex = random() < 0.32 ? 1 : 0;
  const income = Math.max(600, Math.round(2600 + age * 25 - sex * 300 + 900 * normal()));
  const creditAmount = Math.max(250, Math.round(3200 + 2800 * Math.abs(normal())));
  const duration = 6 * between(1, 10);
  const purpose = between(0, 6);
  const employment = Math.min(4, Math.max(0, Math.round((age - 19) / 12 + normal())));
  const housing = random() < 0.7 ? 0 : between(1, 2);
  const savings = Math.max(0, Math.round(800 + 1500 * normal()));
  const existingCredits = between(1, 4);
  const dependents = random() < 0.85 ? 1 : 2;
  const region = between(0, 5);
  // The true outcome (1 = good credit) depends on income, amount, duration, age and, for the
  // example's sake, a little on sex too, so that the analysis has some bias to show.
  const logit =
    0.9 +
    (income - 3500) / 1500 -
    (creditAmount - 4000) / 5000 -
    (duration - 30) / 40 +
    (age - 35) / 60 -
    0.35 * sex;
  const good = random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  // The model sees the same features and errs more often for women.
  const score = logit + 0.8 * normal() - 0.2 * sex;
  const predicted = score > 0.2 ? 1 : 0;
  lines.push(
    [
      age,
      sex,
      income,
      creditAmount,
      duration,
      purpose,
      employment,
      housing,
      savings,
      existingCredits,
      dependents,
      region,
      good,
      predicted,
    ].join(","),
  );
}
writeFileSync(join(import.meta.dirname, "credit.csv"), `${lines.join("\n")}\n`);
