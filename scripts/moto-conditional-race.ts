/**
 * Evidence for README "Emulator differences": does an emulator let two racing conditional
 * writes to one item both succeed? Sends `writers` concurrent PutItem calls with
 * `attribute_not_exists(pk)` to one fresh key per round and counts how many were accepted.
 * DynamoDB documents that exactly one can be (conditional writes are atomic per item);
 * moto_server 5.2 (threaded, no per-item lock) accepts several in some rounds.
 *
 *   moto_server -H 127.0.0.1 -p 5123 &
 *   npx tsx scripts/moto-conditional-race.ts http://127.0.0.1:5123 [rounds] [writers]
 *
 * Exits 1 when any round had more than one winner.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';

const [endpoint = 'http://127.0.0.1:5123', roundsArg = '200', writersArg = '8'] = process.argv.slice(2);
const rounds = Number(roundsArg);
const writers = Number(writersArg);
const client = new DynamoDBClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'race', secretAccessKey: 'race' },
});
const table = `race-${Date.now()}`;

await client.send(
  new CreateTableCommand({
    TableName: table,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  }),
);

let roundsWithSeveralWinners = 0;
let mostWinners = 0;
for (let round = 0; round < rounds; round++) {
  const outcomes = await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      try {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              pk: { S: 'LOCK' },
              sk: { S: `round-${round}` },
              holder: { S: `writer-${writer}` },
              expiresAt: { N: String(Date.now() + 60_000) },
            },
            // The writer lock's condition (shared/adapters/writer-lock.ts).
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :me',
            ExpressionAttributeValues: {
              ':now': { N: String(Date.now()) },
              ':me': { S: `writer-${writer}` },
            },
          }),
        );
        return 1;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return 0;
        throw err;
      }
    }),
  );
  const winners = outcomes.reduce<number>((a, b) => a + b, 0);
  if (winners > 1) roundsWithSeveralWinners += 1;
  mostWinners = Math.max(mostWinners, winners);
}
console.log(
  `${rounds} rounds of ${writers} racing conditional creates of one item on ${endpoint}: ` +
    `${roundsWithSeveralWinners} rounds had more than one winner (at most ${mostWinners}); DynamoDB allows exactly one`,
);
client.destroy();
process.exitCode = roundsWithSeveralWinners > 0 ? 1 : 0;
