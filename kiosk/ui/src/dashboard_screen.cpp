// Sections: header · headcount · arrivals chart · group bars · activity and health.
// Sizes are fractions of the screen so the same layout reads at 1280×720 and at 4K.
#include <kiosk/ui/dashboard_screen.hpp>

#include "desk_widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

namespace kiosk::ui {

namespace {

using namespace widgets;

const std::string& tr(const DashboardModel& m, std::string_view key) {
    return m.env.tr(key);
}

ImU32 u32(const ImVec4& c) {
    return ImGui::ColorConvertFloat4ToU32(c);
}

void drawHeader(const DashboardModel& m, IntentSink& sink) {
    const float sp = ImGui::GetStyle().ItemSpacing.x;
    const float lw = std::max(m.env.mm(12), buttonWidth("NL"));
    const std::string back = tr(m, "dashboard.back_to_desk");
    const float rightW = 3 * (lw + sp) + (m.standalone ? 0.0f : buttonWidth(back) + sp);
    const float right = ImGui::GetWindowContentRegionMax().x;
    const bool f = pushFont(m.env, FontRole::Bold);
    const std::string title = m.eventName.empty() ? tr(m, "dashboard.title") : m.eventName;
    text(fitText(title, right - rightW - ImGui::GetCursorPosX() - sp));
    popFont(f);
    ImGui::SameLine(right - rightW + sp);
    bool first = true;
    for (core::Language l : {core::Language::Fr, core::Language::Nl, core::Language::En}) {
        std::string label(core::languageCode(l));
        for (auto& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const bool current = l == m.env.language;
        if (!first) ImGui::SameLine();
        first = false;
        if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (button(m.env, label + "##dash-lang", lw, 9)) sink.push(SetLanguage{l});
        if (current) ImGui::PopStyleColor();
    }
    if (!m.standalone) {
        ImGui::SameLine();
        if (button(m.env, back, buttonWidth(back), 9)) sink.push(ShowDesk{});
    }
    if (!m.error.empty()) textColored(kBad, tr(m, "desk.icon.error") + " " + m.error);
}

void drawHeadcount(const DashboardModel& m, ImVec2 size) {
    ImGui::BeginChild("headcount", size, true, ImGuiWindowFlags_NoScrollbar);
    text(tr(m, "dashboard.arrived_of_registered"));
    // The number readable across a room: the huge font, the registered total beside it.
    const std::string big = std::to_string(m.arrived);
    const std::string small = " / " + std::to_string(m.registered);
    // Numbers of any size fit: both parts shrink together when "12345 / 40000" is wider than the
    // box (the fonts are sized for three or four digits).
    const float room = ImGui::GetContentRegionAvail().x;
    bool h = pushFont(m.env, FontRole::Huge);
    const float bigW = ImGui::CalcTextSize(big.c_str()).x;
    popFont(h);
    bool t = pushFont(m.env, FontRole::Title);
    const float smallW = ImGui::CalcTextSize(small.c_str()).x;
    popFont(t);
    const float need = bigW + ImGui::GetStyle().ItemSpacing.x + smallW;
    const float scale = need > room && need > 0 ? room / need * 0.98f : 1.0f;
    h = pushFont(m.env, FontRole::Huge);
    ImGui::SetWindowFontScale(scale);
    textColored(kGood, big);
    popFont(h);
    ImGui::SameLine();
    t = pushFont(m.env, FontRole::Title);
    ImGui::SetWindowFontScale(scale);
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetTextLineHeight() * 0.3f);
    text(small);
    popFont(t);
    ImGui::SetWindowFontScale(1.0f);
    const float frac =
        m.registered > 0 ? static_cast<float>(m.arrived) / static_cast<float>(m.registered) : 0.0f;
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.0f %%", frac * 100.0f);
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, kGood);
    // As tall as its own text at every resolution (at 1080p the body font is taller than 8 mm).
    ImGui::ProgressBar(frac, ImVec2(-1.0f, std::max(m.env.mm(8), ImGui::GetFrameHeight())), pct);
    ImGui::PopStyleColor();
    const bool b = pushFont(m.env, FontRole::Bold);
    text(m.env.fmt("dashboard.expected", {{"count", std::to_string(m.expected)}}));
    popFont(b);
    ImGui::EndChild();
}

void drawChart(const DashboardModel& m, ImVec2 size) {
    ImGui::BeginChild("chart", size, true, ImGuiWindowFlags_NoScrollbar);
    ImGui::SetWindowFontScale(0.8f);
    text(tr(m, "dashboard.per_5_min"));
    if (m.arrivalsPer5Min.empty()) {
        textColored(kMuted, tr(m, "dashboard.no_arrivals"));
        ImGui::EndChild();
        return;
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float lineH = ImGui::GetTextLineHeight();
    const float plotH = avail.y - lineH * 1.4f;
    const std::size_t n = m.arrivalsPer5Min.size();
    const float slot = avail.x / static_cast<float>(std::max<std::size_t>(n, 12));
    const float barW = slot * 0.78f;
    const float peak = static_cast<float>(std::max<int64_t>(m.peakPer5Min, 1));
    const float baseY = origin.y + plotH;
    dl->AddLine(ImVec2(origin.x, baseY), ImVec2(origin.x + avail.x, baseY), u32(kMuted));
    // A label every ~6 characters' width so they never overlap.
    const std::size_t every =
        std::max<std::size_t>(1, static_cast<std::size_t>(ImGui::CalcTextSize("00:00 ").x / slot + 0.999f));
    for (std::size_t i = 0; i < n; ++i) {
        const auto& b = m.arrivalsPer5Min[i];
        const float x = origin.x + slot * static_cast<float>(i);
        const float hgt = (plotH - lineH * 1.2f) * static_cast<float>(b.arrivals) / peak;
        if (b.arrivals > 0) {
            dl->AddRectFilled(ImVec2(x, baseY - hgt), ImVec2(x + barW, baseY), u32(kGood), 2.0f);
            const std::string c = std::to_string(b.arrivals);
            const float cw = ImGui::CalcTextSize(c.c_str()).x;
            if (cw <= slot)
                dl->AddText(ImVec2(x + (barW - cw) * 0.5f, baseY - hgt - lineH), u32(ImVec4(1, 1, 1, 1)),
                            c.c_str());
        }
        if ((n - 1 - i) % every == 0)
            dl->AddText(ImVec2(x, baseY + lineH * 0.2f), u32(kMuted), b.label.c_str());
    }
    ImGui::Dummy(avail);
    ImGui::EndChild();
}

void drawGroups(const DashboardModel& m, const char* id, std::string_view titleKey,
                const std::vector<DashboardGroup>& groups, ImVec2 size, bool withLegend) {
    ImGui::BeginChild(id, size, true, ImGuiWindowFlags_NoScrollbar);
    ImGui::SetWindowFontScale(0.7f);
    const std::string title = tr(m, titleKey);
    const float roomW = ImGui::GetContentRegionAvail().x;
    text(title);
    if (withLegend) {
        // Once, beside the first title if it fits, else under it; the figures on the bars say
        // the same in numbers.
        const std::string legend = tr(m, "dashboard.legend");
        const float lw = ImGui::CalcTextSize(legend.c_str()).x;
        if (ImGui::CalcTextSize(title.c_str()).x + lw + ImGui::GetStyle().ItemSpacing.x * 3 <= roomW)
            ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - lw);
        textColored(kMuted, legend);
    }
    int64_t maxReg = 1;
    for (const auto& g : groups) maxReg = std::max(maxReg, g.registered);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // Labels as wide as the longest name needs, up to 60 % of the panel (bilingual group names
    // such as "B · Migration / Migratie" are long); a name that still does not fit ends in "…".
    const float avail = ImGui::GetContentRegionAvail().x;
    float longest = 0;
    for (const auto& g : groups)
        longest = std::max(
            longest, ImGui::CalcTextSize((g.name.empty() ? tr(m, "dashboard.none") : g.name).c_str()).x);
    const float labelW = std::clamp(longest + 10.0f, avail * 0.3f, avail * 0.6f);
    const float barMax = avail - labelW;
    const float rowH = ImGui::GetTextLineHeight() * 1.12f + 2.0f;
    for (const auto& g : groups) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        text(fitText(g.name.empty() ? tr(m, "dashboard.none") : g.name, labelW - 8));
        const float x0 = p.x + labelW;
        const float regW = barMax * static_cast<float>(g.registered) / static_cast<float>(maxReg);
        const float arrW =
            g.registered > 0 ? regW * static_cast<float>(g.arrived) / static_cast<float>(g.registered) : 0;
        const float h = rowH - 3.0f;
        dl->AddRectFilled(ImVec2(x0, p.y), ImVec2(x0 + regW, p.y + h), u32(ImVec4(0.30f, 0.32f, 0.36f, 1)),
                          2.0f);
        dl->AddRectFilled(ImVec2(x0, p.y), ImVec2(x0 + arrW, p.y + h), u32(kGood), 2.0f);
        const std::string figures = std::to_string(g.arrived) + " / " + std::to_string(g.registered);
        dl->AddText(ImVec2(x0 + 6, p.y + (h - ImGui::GetTextLineHeight()) * 0.5f), u32(ImVec4(1, 1, 1, 1)),
                    figures.c_str());
        ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + rowH));
    }
    if (groups.empty()) textColored(kMuted, tr(m, "dashboard.none"));
    ImGui::EndChild();
}

ImVec4 outcomeColour(const std::string& outcome) {
    if (outcome == "checked_in") return kGood;
    if (outcome == "annulled") return kWarn;
    return kBad;
}

void drawActivity(const DashboardModel& m, ImVec2 size) {
    ImGui::BeginChild("activity", size, true, ImGuiWindowFlags_NoScrollbar);
    ImGui::SetWindowFontScale(0.75f);
    text(tr(m, "dashboard.recent"));
    if (m.recent.empty()) textColored(kMuted, tr(m, "dashboard.no_activity"));
    if (!m.recent.empty() &&
        ImGui::BeginTable("recent", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("t", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("o", ImGuiTableColumnFlags_WidthStretch);
        for (const auto& a : m.recent) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            text(a.timeLocal);
            ImGui::TableNextColumn();
            text(a.kiosk);
            ImGui::TableNextColumn();
            std::string word = tr(m, "dashboard.outcome." + a.outcome);
            if (a.desk) word += " " + tr(m, "dashboard.by_desk");
            textColored(outcomeColour(a.outcome), word);
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
}

/// One service on one line: label, ok/problem word and state, then `extra` (e.g. the badges
/// waiting: it matters more than the message), then the message, shortened to what fits.
void healthItem(const DashboardModel& m, std::string_view labelKey, const ServiceHealth& h,
                const std::string& extra = {}, ImVec4 extraColour = kMuted) {
    const bool known = !h.state.empty() && h.state != "none";
    const ImVec4 c = !known ? kMuted : h.ok ? kGood : kBad;
    const std::string word = !known ? tr(m, "dashboard.health.unknown")
                                    : tr(m, h.ok ? "dashboard.health.ok" : "dashboard.health.problem");
    const bool f = pushFont(m.env, FontRole::Bold);
    text(tr(m, labelKey));
    popFont(f);
    ImGui::SameLine();
    const std::string state = m.env.text ? m.env.text->stateWord(m.env.language, h.state) : h.state;
    textColored(c, word + (known ? " (" + state + ")" : std::string{}));
    if (!extra.empty()) {
        ImGui::SameLine();
        textColored(extraColour, "\u00B7 " + extra);
    }
    if (!h.message.empty()) {
        ImGui::SameLine();
        textColored(kMuted, fitText("\u00B7 " + h.message, ImGui::GetContentRegionAvail().x));
    }
}

void drawHealth(const DashboardModel& m, ImVec2 size) {
    ImGui::BeginChild("health", size, true, ImGuiWindowFlags_NoScrollbar);
    ImGui::SetWindowFontScale(0.7f);
    healthItem(m, "dashboard.health.printer", m.printer,
               m.env.fmt("dashboard.prints", {{"waiting", std::to_string(m.printsWaiting)},
                                              {"held", std::to_string(m.printsHeld)}}),
               m.printsHeld > 0 ? kWarn : kMuted);
    healthItem(m, "dashboard.health.camera", m.camera);
    char timing[64];
    std::snprintf(timing, sizeof timing, "%.1f ms", m.lastRefreshMs);
    textColored(m.deskCases > 0 ? kWarn : kMuted,
                m.env.fmt("dashboard.desk_cases", {{"count", std::to_string(m.deskCases)}}) + "   \u00B7 " +
                    m.env.fmt("dashboard.updated", {{"time", m.updatedLocal}}) + " \u00B7 " +
                    m.env.fmt("dashboard.refresh", {{"ms", timing}}));
    if (m.synced) {
        // Machines: which are offline and since when; the duplicates the desks should look at.
        textColored(m.openDuplicates > 0 ? kWarn : kMuted,
                    m.env.fmt("dashboard.duplicates", {{"count", std::to_string(m.openDuplicates)}}));
        for (const auto& x : m.machines) {
            ImGui::SameLine();
            const std::string word = x.online ? x.name + " \u2713"
                                     : x.offlineSinceLocal.empty()
                                         ? m.env.fmt("dashboard.machine_never", {{"name", x.name}})
                                         : m.env.fmt("dashboard.machine_offline",
                                                     {{"name", x.name}, {"time", x.offlineSinceLocal}});
            textColored(x.online ? kGood : kBad, "\u00B7 " + word);
        }
    }
    ImGui::EndChild();
}

}  // namespace

void drawDashboard(const DashboardModel& m, IntentSink& sink) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    // NoBackground: the backend clears the screen to theme::kBackground (a software renderer
    // pays for a full-screen quad in fill rate).
    const ImGuiWindowFlags wf = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                ImGuiWindowFlags_NoBackground;
    ImGui::Begin("##dashboard", nullptr, wf);
    const bool body = pushFont(m.env, FontRole::Body);
    drawHeader(m, sink);

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImGuiStyle& st = ImGui::GetStyle();
    const float leftW = avail.x * 0.38f;
    // Left: the headcount, then recent activity. Right: chart, the two group breakdowns, health.
    ImGui::BeginChild("left", ImVec2(leftW, avail.y), false, ImGuiWindowFlags_NoScrollbar);
    drawHeadcount(m, ImVec2(0, avail.y * 0.58f));
    drawActivity(m, ImVec2(0, 0));
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("right", ImVec2(0, avail.y), false, ImGuiWindowFlags_NoScrollbar);
    const float rightW = ImGui::GetContentRegionAvail().x;
    const float chartH = avail.y * 0.34f;
    const float healthLines = m.synced ? 4.0f : 3.0f;
    const float healthH = ImGui::GetTextLineHeight() * 0.7f * healthLines +
                          st.ItemSpacing.y * (healthLines - 1) + st.WindowPadding.y * 2;
    const float groupsH = avail.y - chartH - healthH - st.ItemSpacing.y * 2;
    drawChart(m, ImVec2(0, chartH));
    const float half = (rightW - st.ItemSpacing.x) * 0.5f;
    drawGroups(m, "by-category", "dashboard.by_category", m.byCategory, ImVec2(half, groupsH), true);
    ImGui::SameLine();
    drawGroups(m, "by-group", "dashboard.by_working_group", m.byWorkingGroup, ImVec2(0, groupsH), false);
    drawHealth(m, ImVec2(0, 0));
    ImGui::EndChild();

    popFont(body);
    ImGui::End();
}

}  // namespace kiosk::ui
