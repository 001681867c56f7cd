#include "keyboard_screen.hpp"

#include <kiosk/ui/theme.hpp>

#include <imgui.h>

#include <algorithm>

namespace kiosk::ui {
namespace {

float rowHeight(const KeyboardView& v, float screenHeight) {
    // A finger's width (9 mm) at least, 12 mm at most; at 720p the keyboard leaves the desk two
    // thirds of the screen.
    return std::max(9.f * v.pixelsPerMm, std::min(screenHeight * 0.055f, 12.f * v.pixelsPerMm));
}

}  // namespace

float keyboardHeight(const KeyboardView& v, float screenHeight) {
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    const float pad = ImGui::GetStyle().WindowPadding.y;
    const float n = static_cast<float>(v.rows.size());
    return n * rowHeight(v, screenHeight) + (n > 0 ? n - 1 : 0) * gap + 2 * pad;
}

void drawKeyboard(const KeyboardView& v, IntentSink& sink, std::vector<KeyRect>* placed) {
    if (placed) placed->clear();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float h = keyboardHeight(v, vp->Size.y);
    ImGui::SetNextWindowPos({vp->Pos.x, vp->Pos.y + vp->Size.y - h});
    ImGui::SetNextWindowSize({vp->Size.x, h});
    // Its own window, never taking the keyboard focus from the desk: the text field that had it
    // gets it back after each key (KioskApp).
    const ImGuiWindowFlags wf = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoNav |
                                ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoScrollWithMouse;
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(theme::kPanel));
    ImGui::Begin("##osk", nullptr, wf);
    ImGui::PopStyleColor();
    if (v.fonts && v.fonts->body) ImGui::PushFont(v.fonts->body);
    const float rowH = rowHeight(v, vp->Size.y);
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    // Every row is as wide as the widest: key widths in units of the row with most units.
    float units = 0;
    for (const auto& row : v.rows) {
        float u = 0;
        for (const auto& k : row) u += k.width;
        units = std::max(units, u);
    }
    const float avail = ImGui::GetContentRegionAvail().x;
    int id = 0;
    for (const auto& row : v.rows) {
        float u = 0;
        for (const auto& k : row) u += k.width;
        const float unitW = (avail - spacing * (std::max(units, 1.f) - 1)) / std::max(units, 1.f);
        float rowW = 0;
        for (const auto& k : row) rowW += k.width * unitW + spacing * (k.width - 1);
        rowW += spacing * (static_cast<float>(row.size()) - 1);
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.f, (avail - rowW) * 0.5f));
        for (std::size_t i = 0; i < row.size(); ++i) {
            const KeyCap& k = row[i];
            if (i) ImGui::SameLine();
            const bool shiftKey = k.key.kind == OskKey::Kind::Shift;
            std::string label = v.shift && !k.key.upper.empty() ? k.key.upper : k.label;
            if (k.key.kind == OskKey::Kind::Text && k.key.text == " ") label = "";
            label += "##osk" + std::to_string(id++);
            const float w = k.width * unitW + spacing * (k.width - 1);
            if (shiftKey && v.shift)
                ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
            if (ImGui::Button(label.c_str(), {w, rowH})) sink.push(k.key);
            if (placed) {
                const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
                const std::string shown =
                    k.key.kind == OskKey::Kind::Text && k.key.text == " " ? " " : k.label;
                placed->push_back({shown, a.x, a.y, b.x - a.x, b.y - a.y});
            }
            if (shiftKey && v.shift) ImGui::PopStyleColor();
        }
    }
    if (v.fonts && v.fonts->body) ImGui::PopFont();
    ImGui::End();
}

}  // namespace kiosk::ui

namespace kiosk::ui {

void drawKeyboardButton(const KeyboardView& v, IntentSink& sink, std::vector<KeyRect>* placed) {
    if (placed) placed->clear();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float side = std::max(12.f * v.pixelsPerMm, vp->Size.y * 0.08f);
    const float margin = ImGui::GetStyle().WindowPadding.x;
    ImGui::SetNextWindowPos(
        {vp->Pos.x + vp->Size.x - side - 2 * margin, vp->Pos.y + vp->Size.y - side - 2 * margin});
    ImGui::SetNextWindowSize({side + 2 * margin, side + 2 * margin});
    const ImGuiWindowFlags wf = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoNav |
                                ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoBackground;
    ImGui::Begin("##osk-button", nullptr, wf);
    if (v.fonts && v.fonts->body) ImGui::PushFont(v.fonts->body);
    if (ImGui::Button("\u2328##osk-show", {side, side})) sink.push(OskKey{OskKey::Kind::Fold, "", ""});
    if (placed) {
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        placed->push_back({"\u2328", a.x, a.y, b.x - a.x, b.y - a.y});
    }
    if (v.fonts && v.fonts->body) ImGui::PopFont();
    ImGui::End();
}

}  // namespace kiosk::ui
