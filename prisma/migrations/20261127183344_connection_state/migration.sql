-- CreateEnum
CREATE TYPE "ConnectionState" AS ENUM ('CONNECTED', 'REAUTHORIZATION_REQUIRED', 'INSTALLATION_REMOVED');

-- AlterTable
ALTER TABLE "GitProvider" ADD COLUMN     "connectionState" "ConnectionState" NOT NULL DEFAULT 'CONNECTED',
ADD COLUMN     "connectionStateReason" TEXT;
