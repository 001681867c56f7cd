#pragma once
// Small drawing helpers shared by the desk and the dashboard screens (E2). ImGui only; no state.
#include "desk_model.hpp"
#include "fonts.hpp"

#include <imgui.h>

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
        case FontRole::Body: f = env.fonts->body; break;
        case FontRole::Bold: f = env.fonts->bodyBold; break;
        case FontRole::Title: f = env.fonts->title; break;
        case FontRole::Huge: f = env.fonts->huge; break;
    }
    if (!f) return false;
    ImGui::PushFont(f);
    return true;
}
inline void popFont(bool pushed) {
    if (pushed) ImGui::PopFont();
}

inline void text(const std::string& s) { ImGui::TextUnformatted(s.c_str(), s.c_str() + s.size()); }
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
    return ImGui::Button(label.c_str(), ImVec2(width, h));
}

/// A coloured button (the colour repeats what the label says).
inline bool colouredButton(const ScreenEnv& env, const std::string& label, const ImVec4& colour,
                           float width = 0.0f, float minMm = 12.0f) {
    ImGui::PushStyleColor(ImGuiCol_Button, colour);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered,
                          ImVec4(colour.x * 1.1f, colour.y * 1.1f, colour.z * 1.1f, colour.w));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive,
                          ImVec4(colour.x * 0.85f, colour.y * 0.85f, colour.z * 0.85f, colour.w));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    const bool pressed = button(env, label, width, minMm);
    ImGui::PopStyleColor(4);
    return pressed;
}

/// A single-line text field bound to a model string: returns true (with the new text) when the
/// volunteer changed it this frame. The widget keeps no state of its own beyond ImGui's.
inline bool inputText(const char* id, const char* hint, const std::string& value, std::string& changed,
                      ImGuiInputTextFlags flags = 0, float width = -1.0f) {
    char buf[256];
    const std::size_t n = std::min(value.size(), sizeof buf - 1);
    std::memcpy(buf, value.data(), n);
    buf[n] = '\0';
    ImGui::SetNextItemWidth(width);
    if (!ImGui::InputTextWithHint(id, hint, buf, sizeof buf, flags)) return false;
    changed = buf;
    return true;
}

}  // namespace kiosk::ui::widgets
