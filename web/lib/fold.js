// Diacritic-insensitive keys for Vietnamese: "Trường Đại học" -> "truong dai hoc".
export function fold(s) {
    return String(s)
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .replace(/[đĐ]/g, 'd')
        .toLowerCase()
        .replace(/\s+/g, ' ')
        .trim();
}
