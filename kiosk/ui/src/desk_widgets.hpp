#pragma once
// Small drawing helpers shared by the desk and the dashboard screens (E2). ImGui only; no state.
#include <kiosk/ui/desk_model.hpp>
#include <kiosk/ui/fonts.hpp>

#include <imgui.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace kiosk::ui::widgets {

/// Colours that always come with a word and an icon (never colour alone).
inline const ImVec4 kGood{0.18f, 0.62f, 0.27f, 1.0f};
inline const ImVec4 kWarn{0.93f, 0.66f, 0.10f, 1.0f};
inline const ImVec4 kBad{0.85f, 0.20f, 0.18f, 1.0f};
inline const ImVec4 kMuted{0.60f, 0.62f, 0.66f, 1.0f};

enum class FontRole { Body, Bold, Title, Huge };

/// Pushes a font of the shell if there is one (headless tests have none): pair with popFont.
inline bool pushFont(const ScreenEnv& env, FontRole role) {
    if (!env.fonts) return false;
    ImFont* f = nullptr;
    switch (role) {
        case FontRole::Body:
            f = env.fonts->body;
            break;
        case FontRole::Bold:
            f = env.fonts->bodyBold;
            break;
        case FontRole::Title:
            f = env.fonts->title;
            break;
        case FontRole::Huge:
            f = env.fonts->huge;
            break;
    }
    if (!f) return false;
    ImGui::PushFont(f);
    return true;
}
inline void popFont(bool pushed) {
    if (pushed) ImGui::PopFont();
}

/// The status icons of the strings (✓ ✗ ⚠ ○ ↺) when the current font has them, else a look-alike
/// it does have: the word next to the icon carries the meaning either way, never a "?" box.
inline std::string displayable(const std::string& s) {
    if (s.find('\xE2') == std::string::npos) return s;  // every icon starts with byte 0xE2
    struct Sub {
        const char* glyph;
        ImWchar cp;
        const char* fallback;
    };
    static const Sub subs[] = {{"\u2713", 0x2713, "\u25CF"},
                               {"\u2717", 0x2717, "\u00D7"},
                               {"\u26A0", 0x26A0, "!"},
                               {"\u25CB", 0x25CB, "\u2022"},
                               {"\u21BA", 0x21BA, "\u2190"}};
    const ImFont* font = ImGui::GetFont();
    std::string out = s;
    for (const auto& sub : subs) {
        if (font && font->FindGlyphNoFallback(sub.cp)) continue;
        const std::string g = sub.glyph;
        for (std::size_t pos = out.find(g); pos != std::string::npos; pos = out.find(g, pos))
            out.replace(pos, g.size(), sub.fallback);
    }
    return out;
}

inline void text(const std::string& raw) {
    const std::string s = displayable(raw);
    ImGui::TextUnformatted(s.c_str(), s.c_str() + s.size());
}
inline void textColored(const ImVec4& c, const std::string& s) {
    ImGui::PushStyleColor(ImGuiCol_Text, c);
    text(s);
    ImGui::PopStyleColor();
}
inline void textWrapped(const std::string& s) {
    ImGui::PushTextWrapPos(0.0f);
    text(s);
    ImGui::PopTextWrapPos();
}

/// A button at least `minMm` millimetres tall (touch targets), full width when width < 0.
inline bool button(const ScreenEnv& env, const std::string& label, float width = 0.0f, float minMm = 12.0f) {
    const float h = std::max(env.mm(minMm), ImGui::GetFrameHeight());
    return ImGui::Button(displayable(label).c_str(), ImVec2(width, h));
}

/// Width a button needs for its label (visible part, before "##").
inline float buttonWidth(const std::string& label) {
    return ImGui::CalcTextSize(label.c_str(), nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2.0f;
}

/// Text cut with "…" to fit `width` pixels (long event names in a header).
inline std::string fitText(const std::string& s, float width) {
    if (ImGui::CalcTextSize(s.c_str()).x <= width) return s;
    std::string cut = s;
    while (!cut.empty() && ImGui::CalcTextSize((cut + "\u2026").c_str()).x > width) {
        cut.pop_back();
        while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80)
            cut.pop_back();  // UTF-8
        if (!cut.empty() && static_cast<unsigned char>(cut.back()) >= 0xC0) cut.pop_back();
    }
    return cut + "\u2026";
}

/// A coloured button (the colour repeats what the label says).
inline bool colouredButton(const ScreenEnv& env, const std::string& label, const ImVec4& colour,
                           float width = 0.0f, float minMm = 12.0f) {
    ImGui::PushStyleColor(ImGuiCol_Button, colour);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered,
                          ImVec4(colour.x * 1.1f, colour.y * 1.1f, colour.z * 1.1f, colour.w));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive,
                          ImVec4(colour.x * 0.85f, colour.y * 0.85f, colour.z * 0.85f, colour.w));
    // White on dark colours, near-black on light ones (amber): readable either way.
    const bool light = 0.2126f * colour.x + 0.7152f * colour.y + 0.0722f * colour.z > 0.6f;
    ImGui::PushStyleColor(ImGuiCol_Text, light ? ImVec4(0.06f, 0.07f, 0.09f, 1) : ImVec4(1, 1, 1, 1));
    const bool pressed = button(env, label, width, minMm);
    ImGui::PopStyleColor(4);
    return pressed;
}

/// A visible frame whatever the theme, for form widgets drawn while it lives (text fields, combo
/// boxes, radio buttons): an empty field must look like a field, an unselected choice like one.
class FieldFrame {
public:
    FieldFrame() {
        ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(0.08f, 0.09f, 0.11f, 1.0f));
        ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(0.45f, 0.50f, 0.58f, 1.0f));
        ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 1.0f);
    }
    ~FieldFrame() {
        ImGui::PopStyleVar();
        ImGui::PopStyleColor(2);
    }
    FieldFrame(const FieldFrame&) = delete;
    FieldFrame& operator=(const FieldFrame&) = delete;
};

/// A single-line text field bound to a model string: returns true (with the new text) when the
/// volunteer changed it this frame. The widget keeps no state of its own beyond ImGui's.
inline bool inputText(const char* id, const char* hint, const std::string& value, std::string& changed,
                      ImGuiInputTextFlags flags = 0, float width = -1.0f) {
    char buf[256];
    const std::size_t n = std::min(value.size(), sizeof buf - 1);
    std::memcpy(buf, value.data(), n);
    buf[n] = '\0';
    ImGui::SetNextItemWidth(width);
    bool edited = false;
    {
        FieldFrame frame;
        edited = ImGui::InputTextWithHint(id, hint, buf, sizeof buf, flags);
    }
    if (!edited) return false;
    changed = buf;
    return true;
}

}  // namespace kiosk::ui::widgets
