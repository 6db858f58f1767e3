/** What the app under test has stored, on local disk or in S3 (whichever the suite runs with). */
import { getStorage } from "@/lib/storage";

/** An object at `key`, or any object under the folder `key/`. */
export async function stored(key: string): Promise<boolean> {
  const storage = getStorage();
  return (await storage.exists(key)) || (await storage.list(`${key}/`)).length > 0;
}

/** The keys under the folder `prefix` (e.g. "uploads"). */
export async function storedUnder(prefix: string): Promise<string[]> {
  return getStorage().list(`${prefix.replace(/\/$/, "")}/`);
}
