DROP INDEX "users_org_name_idx";--> statement-breakpoint
CREATE INDEX "users_org_name_idx" ON "users" USING btree ("org_id",lower("last_name"),lower("first_name"),"id");