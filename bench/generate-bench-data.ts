/**
 * Writes a deterministic credit-style CSV of N rows (20 columns: numeric, categorical, label,
 * predicted label, group) for the engine benchmark. Streams its output; a seeded PRNG makes
 * every run byte-identical.
 *
 *   node bench/generate-bench-data.ts <rows> <out.csv>
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { seededRandom } from "../engine/seeded-random.ts";

const HEADER =
  "id,age,sex,income,credit_amount,duration,purpose,employment,housing,savings,checking,dependents,foreign_worker,existing_credits,installment_rate,residence_since,score,region,credit_risk,predicted_risk";
const PURPOSES = ["car", "furniture", "radio_tv", "education", "business", "repairs", "other"];
const EMPLOYMENT = ["unemployed", "lt_1y", "1_4y", "4_7y", "ge_7y"];
const HOUSING = ["own", "rent", "free"];
const CHECKING = ["none", "lt_0", "0_200", "ge_200"];
const REGIONS = ["north", "south", "east", "west", "central", "coast", "mountain", "islands"];

export async function generateBenchData(rows: number, path: string, seed = 42): Promise<void> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const out = createWriteStream(path);
  let batch = `${HEADER}\n`;
  for (let i = 1; i <= rows; i++) {
    const age = 18 + Math.floor(random() * 62);
    const female = random() < 0.35;
    const income = Math.round((1500 + random() * 6000 + age * 20) * 100) / 100;
    const amount = 250 + Math.floor(random() * 15000);
    const duration = 4 + Math.floor(random() * 68);
    const score = Math.round(random() * 1000) / 1000;
    const good = random() < 0.62 + (female ? -0.05 : 0.03) + (income > 5000 ? 0.08 : 0);
    const predictedGood = random() < (good ? 0.85 : 0.25) + (female ? -0.04 : 0);
    batch += `${i},${age},${female ? "female" : "male"},${income},${amount},${duration},${pick(PURPOSES)},${pick(
      EMPLOYMENT,
    )},${pick(HOUSING)},${Math.round(random() * 20000) / 10},${pick(CHECKING)},${Math.floor(random() * 3)},${
      random() < 0.9 ? "yes" : "no"
    },${1 + Math.floor(random() * 4)},${1 + Math.floor(random() * 4)},${1 + Math.floor(random() * 4)},${score},${pick(
      REGIONS,
    )},${good ? 1 : 0},${predictedGood ? 1 : 0}\n`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, "drain");
      batch = "";
    }
  }
  out.end(batch);
  await once(out, "finish");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [rows, path] = process.argv.slice(2);
  if (!rows || !path) throw new Error("usage: generate-bench-data.ts <rows> <out.csv>");
  await generateBenchData(Number(rows), path);
}
