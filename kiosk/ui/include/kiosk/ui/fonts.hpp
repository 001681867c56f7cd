#pragma once
// The fonts every screen draws with. Built by the shell for the framebuffer height (720p to 4K)
// from Debian's DejaVu Sans / Noto Sans, covering Latin, Latin Extended, Greek and Cyrillic.
struct ImFont;

namespace kiosk::ui {

struct Fonts {
    ImFont* body = nullptr;  ///< running text, buttons (≈ 1/22 of the screen height)
    ImFont* bodyBold = nullptr;
    ImFont* title = nullptr;  ///< headings, the welcome's first name (≈ 1/9)
    ImFont* huge = nullptr;   ///< digits and short words readable across a room (≈ 1/4)
};

}  // namespace kiosk::ui
