#ifndef FLOWLAB_CNCURSES_SHIM_H
#define FLOWLAB_CNCURSES_SHIM_H
// The defines must live here: SwiftPM drops them when they come from pkg-config
// (docs/ARCHITECTURE.md, "Terminal").
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <signal.h>
#include <unistd.h>
#if defined(__APPLE__)
// macOS's SDK ships ncurses (with the wide-character API) as <curses.h> and libncurses.
#include <curses.h>
#else
// Debian/Ubuntu/Fedora: the wide-character build lives in <ncursesw/curses.h>.
#include <ncursesw/curses.h>
#endif

// Function-like macros and mutable globals do not import into Swift 6; these accessors do.
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline void cn_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
static inline attr_t cn_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline int cn_set_esc_delay(int ms) { return set_escdelay(ms); }
static inline const char *cn_codeset(void) { return nl_langinfo(CODESET); }
// newterm on the process's own stdin/stdout (their globals are not importable in Swift 6).
static inline SCREEN *cn_newterm_stdio(void) { return newterm(NULL, stdout, stdin); }
// True when the terminal can move the cursor to any cell (terminfo "cup"); TERM=dumb cannot.
static inline int cn_can_address_cursor(void) {
    char *s = tigetstr("cup");
    return s != NULL && s != (char *)-1;
}
// The mouse: button-1 presses, clicks and double clicks (the BUTTONn_* masks are macros).
// mouseinterval(0) reports presses at once; a double click still arrives as its own event.
static inline void cn_enable_mouse(void) {
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED, NULL);
    mouseinterval(0);
}
// After KEY_MOUSE: 1 for a press or click at (*x, *y), 2 for a double click, 0 for anything else.
static inline int cn_get_mouse(int *x, int *y) {
    MEVENT e;
    if (getmouse(&e) != OK) return 0;
    *x = e.x; *y = e.y;
    if (e.bstate & BUTTON1_DOUBLE_CLICKED) return 2;
    if (e.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    return 0;
}
#endif
