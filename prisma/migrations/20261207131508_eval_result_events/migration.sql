-- AlterTable
ALTER TABLE "EvalResult" ADD COLUMN     "events" JSONB;
