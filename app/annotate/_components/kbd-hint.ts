// The class of a keyboard hint: shown with a mouse and a wide screen, hidden on phones and
// touch screens (where there is no keyboard to press).
export const KBD_HINT = "max-sm:hidden pointer-coarse:hidden";
