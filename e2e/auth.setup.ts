import { test as setup } from "@playwright/test";
import { DEMO_USERS, signIn, storageStatePath } from "./helpers";

// One saved session per demo user, for specs that start signed in:
//   test.use({ storageState: storageStatePath("admin") });
for (const user of DEMO_USERS) {
  setup(`sign in as ${user.role} (${user.email})`, async ({ page }) => {
    await signIn(page, user.email);
    await page.context().storageState({ path: storageStatePath(user.role) });
  });
}
