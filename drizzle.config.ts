import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  // Every schema*.ts in the store: each feature area keeps its tables in its own file.
  schema: './src/store/schema*.ts',
  out: './migrations/sqlite',
});
