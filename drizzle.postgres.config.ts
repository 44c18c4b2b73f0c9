import { defineConfig } from 'drizzle-kit';

// The Postgres twin of drizzle.config.ts: `npx drizzle-kit generate --config drizzle.postgres.config.ts --name …`
// after changing a `src/store/pg/schema*.ts` (change its SQLite twin in the same commit).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/pg/schema*.ts',
  out: './migrations/postgres',
});
