/** Client-side checks that mirror the server's rules (lib/users.ts credentialsSchema). */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateEmail(email: string): string | null {
  const v = email.trim();
  if (!v) return "Enter your email address.";
  if (!EMAIL.test(v)) return "Enter a valid email address, like name@example.com.";
  return null;
}

export function validateNewPassword(password: string): string | null {
  if (!password) return "Choose a password.";
  if (password.length < 8) return "Use at least 8 characters.";
  if (password.length > 200) return "Use at most 200 characters.";
  return null;
}

export function validateConfirmation(password: string, confirmation: string): string | null {
  if (!confirmation) return "Type your password again.";
  return confirmation === password ? null : "The passwords do not match.";
}

export function validateName(name: string): string | null {
  return name.trim().length > 100 ? "Use at most 100 characters." : null;
}
