-- AlterTable
ALTER TABLE "GitProvider" ADD COLUMN     "lastCheckErrorCode" TEXT,
ADD COLUMN     "lastCheckMessage" TEXT,
ADD COLUMN     "lastCheckOk" BOOLEAN,
ADD COLUMN     "lastCheckedAt" TIMESTAMP(3);
