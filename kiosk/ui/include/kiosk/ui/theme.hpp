#pragma once
// Colours, icons and the touch-sized button shared by the screens. Every result is told three
// ways at once — icon shape, word, colour — so it reads without colour vision and without text.
#include <kiosk/ui/attendee_model.hpp>

#include <imgui.h>

namespace kiosk::ui::theme {

// High contrast on a dark background (WCAG AAA for body text: white on #101820 ≈ 17:1).
inline constexpr ImU32 kBackground = IM_COL32(0x10, 0x18, 0x20, 0xFF);
inline constexpr ImU32 kPanel = IM_COL32(0x1C, 0x28, 0x36, 0xFF);
inline constexpr ImU32 kText = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
inline constexpr ImU32 kMuted = IM_COL32(0xC8, 0xD2, 0xDC, 0xFF);  // 11:1 on the background
inline constexpr ImU32 kAccent = IM_COL32(0x5C, 0xC8, 0xFF, 0xFF);
inline constexpr ImU32 kSuccess = IM_COL32(0x3F, 0xB9, 0x50, 0xFF);
inline constexpr ImU32 kRefused = IM_COL32(0xF8, 0x51, 0x49, 0xFF);
inline constexpr ImU32 kAttention = IM_COL32(0xF2, 0xB7, 0x05, 0xFF);

ImU32 toneColour(Tone t);
/// A filled disc in the tone's colour with its symbol (check mark, cross, exclamation mark)
/// drawn in the background colour: the shapes differ, not only the colours.
void drawToneIcon(ImDrawList* dl, ImVec2 centre, float radius, Tone t);
/// Corner brackets of the camera's target frame.
void drawTargetFrame(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 colour, float thickness);

/// Apply the kiosk style (sizes from the font height and pixel density).
void applyStyle(float fontPx, float pixelsPerMm);

/// A button at least `minMm` millimetres in both directions (touch targets ≥ 15 mm).
bool touchButton(const char* label, float pixelsPerMm, float minWidthPx = 0.f, float minMm = 15.f,
                 bool selected = false);

/// Text centred horizontally in the current window, wrapped to `wrapWidth`.
void centredText(const std::string& text, ImFont* font, ImU32 colour, float wrapWidth);

}  // namespace kiosk::ui::theme
