-- CreateEnum
CREATE TYPE "WebhookOutcome" AS ENUM ('REJECTED', 'ACCEPTED', 'PROCESSED', 'IGNORED', 'FAILED');

-- CreateEnum
CREATE TYPE "PreviewState" AS ENUM ('OPEN', 'AWAITING_APPROVAL', 'CLOSED');

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "previewId" TEXT,
ADD COLUMN     "webhookDeliveryId" TEXT;

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "gitProviderId" TEXT NOT NULL,
    "forge" "GitProviderType" NOT NULL,
    "event" TEXT NOT NULL,
    "deliveryId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "signatureValid" BOOLEAN NOT NULL,
    "outcome" "WebhookOutcome" NOT NULL,
    "message" TEXT,
    "payload" JSONB,
    "repeats" INTEGER NOT NULL DEFAULT 0,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookRegistration" (
    "gitProviderId" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "hookId" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookRegistration_pkey" PRIMARY KEY ("gitProviderId","repository")
);

-- CreateTable
CREATE TABLE "Preview" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "headBranch" TEXT NOT NULL,
    "headSha" TEXT NOT NULL,
    "fromFork" BOOLEAN NOT NULL,
    "author" TEXT,
    "state" "PreviewState" NOT NULL,
    "approvedAt" TIMESTAMP(3),
    "approvedById" TEXT,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Preview_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebhookDelivery_gitProviderId_receivedAt_idx" ON "WebhookDelivery"("gitProviderId", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_gitProviderId_deliveryId_key" ON "WebhookDelivery"("gitProviderId", "deliveryId");

-- CreateIndex
CREATE UNIQUE INDEX "Preview_applicationId_number_key" ON "Preview"("applicationId", "number");

-- CreateIndex
CREATE INDEX "Deployment_webhookDeliveryId_idx" ON "Deployment"("webhookDeliveryId");

-- CreateIndex
CREATE INDEX "Deployment_previewId_idx" ON "Deployment"("previewId");

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_webhookDeliveryId_fkey" FOREIGN KEY ("webhookDeliveryId") REFERENCES "WebhookDelivery"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_previewId_fkey" FOREIGN KEY ("previewId") REFERENCES "Preview"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_gitProviderId_fkey" FOREIGN KEY ("gitProviderId") REFERENCES "GitProvider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookRegistration" ADD CONSTRAINT "WebhookRegistration_gitProviderId_fkey" FOREIGN KEY ("gitProviderId") REFERENCES "GitProvider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Preview" ADD CONSTRAINT "Preview_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;
