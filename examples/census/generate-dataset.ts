/**
 * Generates examples/census/census.csv: 50,000 synthetic people in the layout of the UCI Adult
 * ("census income") data that SageMaker Clarify's own samples analyse, with what makes the real
 * file awkward to read: `?` for unknown workclass, occupation and native country, and values that
 * hold a comma, quoted (`"Korea, Republic of"`). The income label depends on education, hours,
 * age and marital status and, for the example's sake, on sex and race too; a model's prediction
 * adds to that gap, so the gates of run.json have breaches to show.
 * Deterministic: a seeded PRNG, so re-running reproduces the file byte for byte (about 5.4 MB,
 * which is why it is generated rather than committed).
 *
 *   node examples/census/generate-dataset.ts [rows] [path]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../../engine/seeded-random.ts";

export const CENSUS_ROWS = 50_000;
export const CENSUS_FILE = join(import.meta.dirname, "census.csv");

export const CENSUS_HEADER = [
  "age",
  "workclass",
  "education",
  "education-num",
  "marital-status",
  "occupation",
  "relationship",
  "race",
  "sex",
  "capital-gain",
  "capital-loss",
  "hours-per-week",
  "native-country",
  "income",
  "predicted-income",
] as const;

/** [value, weight] lists: a value is drawn with probability weight / sum of weights. */
type Weighted<T> = readonly (readonly [T, number])[];

const WORKCLASS: Weighted<string> = [
  ["Private", 69],
  ["Self-emp-not-inc", 8],
  ["Local-gov", 6.4],
  ["?", 5.6],
  ["State-gov", 4],
  ["Self-emp-inc", 3.4],
  ["Federal-gov", 3],
  ["Without-pay", 0.6],
];
/** [education, education-num, weight] as in Adult. */
const EDUCATION: Weighted<readonly [string, number]> = [
  [["HS-grad", 9], 32.3],
  [["Some-college", 10], 22.3],
  [["Bachelors", 13], 16.4],
  [["Masters", 14], 5.4],
  [["Assoc-voc", 11], 4.2],
  [["11th", 7], 3.7],
  [["Assoc-acdm", 12], 3.3],
  [["10th", 6], 2.8],
  [["7th-8th", 4], 2],
  [["Prof-school", 15], 1.7],
  [["9th", 5], 1.6],
  [["12th", 8], 1.3],
  [["Doctorate", 16], 1.2],
  [["5th-6th", 3], 1],
  [["1st-4th", 2], 0.5],
  [["Preschool", 1], 0.3],
];
const OCCUPATION: Weighted<string> = [
  ["Prof-specialty", 12.7],
  ["Craft-repair", 12.6],
  ["Exec-managerial, senior", 4.5],
  ["Exec-managerial", 8],
  ["Adm-clerical", 11.6],
  ["Sales", 11.2],
  ["Other-service", 10.1],
  ["Machine-op-inspct", 6.2],
  ["?", 5.7],
  ["Transport-moving", 4.9],
  ["Handlers-cleaners, general", 4.2],
  ["Farming-fishing", 3],
  ["Tech-support", 3],
  ["Protective-serv", 2],
  ["Priv-house-serv", 0.5],
];
const RACE: Weighted<string> = [
  ["White", 85.4],
  ["Black", 9.6],
  ["Asian-Pac-Islander", 3.1],
  ["Amer-Indian-Eskimo", 1],
  ["Other", 0.9],
];
const COUNTRY: Weighted<string> = [
  ["United-States", 89.6],
  ["Mexico", 2],
  ["?", 1.8],
  ["Philippines", 0.6],
  ["Germany", 0.4],
  ["Canada", 0.4],
  ["Puerto-Rico", 0.4],
  ["El-Salvador", 0.3],
  ["India", 0.3],
  ["Cuba", 0.3],
  ["England", 0.3],
  ["Korea, Republic of", 0.3],
  ["China", 0.3],
  ["Iran, Islamic Republic of", 0.2],
  ["Hong Kong, China", 0.1],
  ["Vietnam", 0.2],
  ["Jamaica", 0.2],
  ["Italy", 0.2],
];

/** Quotes a CSV field that holds a comma or a quote, as the real Adult exports do. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV text of `rows` people, header first; the same seed gives the same bytes. */
export function censusCsv(rows: number = CENSUS_ROWS, seed = 19940501): string {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pick = <T>(choices: Weighted<T>): T => {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let at = random() * total;
    for (const [value, weight] of choices) {
      at -= weight;
      if (at < 0) return value;
    }
    return (choices.at(-1) as readonly [T, number])[0];
  };
  const lines = [CENSUS_HEADER.join(",")];
  for (let i = 0; i < rows; i++) {
    const age = Math.min(90, 17 + Math.floor(Math.abs(normal()) * 17 + random() * 14));
    const workclass = pick(WORKCLASS);
    const [education, educationNum] = pick(EDUCATION);
    const female = random() < 0.33;
    const married = age > 22 && random() < (female ? 0.38 : 0.6);
    const marital = married
      ? "Married-civ-spouse"
      : age < 26 || random() < 0.5
        ? "Never-married"
        : random() < 0.8
          ? "Divorced"
          : "Widowed";
    const relationship = married
      ? female
        ? "Wife"
        : "Husband"
      : age < 24
        ? "Own-child"
        : random() < 0.6
          ? "Not-in-family"
          : "Unmarried";
    const occupation = pick(OCCUPATION);
    const race = pick(RACE);
    const capitalGain = random() < 0.08 ? Math.round(1000 + 15000 * random() ** 2) : 0;
    const capitalLoss = capitalGain === 0 && random() < 0.05 ? Math.round(1500 + 800 * random()) : 0;
    const hours = Math.max(1, Math.min(99, Math.round(40 + 11 * normal() - (female ? 4 : 0))));
    const country = pick(COUNTRY);
    // The true outcome: education, hours, age and marriage, plus the gaps the example shows.
    const logit =
      -8.2 +
      0.33 * educationNum +
      0.035 * hours +
      0.055 * Math.min(age, 55) +
      (married ? 1.6 : 0) +
      (capitalGain > 5000 ? 2 : 0) -
      (female ? 0.45 : 0) -
      (race === "Black" ? 0.35 : 0);
    const high = random() < 1 / (1 + Math.exp(-logit));
    // The model sees the same features and widens the gaps.
    const score = logit + 0.9 * normal() - (female ? 0.5 : 0) - (race === "Black" ? 0.3 : 0);
    const predictedHigh = score > 0.35;
    lines.push(
      [
        age,
        workclass,
        education,
        educationNum,
        marital,
        occupation,
        relationship,
        race,
        female ? "Female" : "Male",
        capitalGain,
        capitalLoss,
        hours,
        country,
        high ? ">50K" : "<=50K",
        predictedHigh ? ">50K" : "<=50K",
      ]
        .map(csvField)
        .join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

if (import.meta.filename === process.argv[1]) {
  const rows = process.argv[2] === undefined ? CENSUS_ROWS : Number(process.argv[2]);
  const path = process.argv[3] ?? CENSUS_FILE;
  writeFileSync(path, censusCsv(rows));
  console.log(`wrote ${rows} rows to ${path}`);
}
