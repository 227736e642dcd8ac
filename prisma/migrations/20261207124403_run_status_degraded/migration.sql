-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'degraded';
