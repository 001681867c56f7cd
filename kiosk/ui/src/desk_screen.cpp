// Sections: frame (top bar, navigation, notice, footer) · search · attendee · walk-in · queue ·
// settings. Every button pushes an intent; DeskController acts after the frame.
#include <kiosk/ui/desk_screen.hpp>

#include "desk_widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

namespace kiosk::ui {

namespace {

using namespace widgets;

const std::string& tr(const DeskModel& m, std::string_view key) {
    return m.env.tr(key);
}

std::string outcomeText(const DeskModel& m, const std::string& reason) {
    return m.env.tr("desk.reason." + reason);
}

// --- frame -----------------------------------------------------------------------------------

inline const ImVec4 kWarnBanner{0.35f, 0.25f, 0.02f, 1.0f};
inline const ImVec4 kBannerText{1.0f, 1.0f, 1.0f, 1.0f};

/// A full-width coloured strip with a message of up to `lines` lines (wrapped) at 80 % size.
void banner(const char* id, const ImVec4& background, const ImVec4& colour, const std::string& message,
            int lines) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, background);
    const float lineH = ImGui::GetTextLineHeight() * 0.85f;
    ImGui::BeginChild(id, ImVec2(0, lineH * static_cast<float>(lines) + 10), false,
                      ImGuiWindowFlags_NoScrollbar);
    ImGui::SetWindowFontScale(0.8f);
    ImGui::SetCursorPos(ImVec2(8, 5));
    ImGui::PushTextWrapPos(0.0f);
    textColored(colour, message);
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

void drawTopBar(const DeskModel& m, IntentSink& sink) {
    // Right: languages, dashboard, lock, each as wide as its label. Left: title and event name,
    // the name cut to the room that is left.
    const float sp = ImGui::GetStyle().ItemSpacing.x;
    const std::string dash = tr(m, "desk.nav.dashboard");
    const std::string lock = tr(m, "desk.nav.lock");
    const float lw = std::max(m.env.mm(12), buttonWidth("NL"));
    const float rightW = 3 * (lw + sp) + buttonWidth(dash) + sp + buttonWidth(lock);
    const float right = ImGui::GetWindowContentRegionMax().x;

    const bool f = pushFont(m.env, FontRole::Bold);
    const std::string title = tr(m, "desk.title");
    text(title);
    popFont(f);
    ImGui::SameLine();
    const float nameW = right - rightW - ImGui::GetCursorPosX() - 2 * sp;
    if (nameW > 40) textColored(kMuted, fitText(m.eventName, nameW));
    ImGui::SameLine(right - rightW);
    for (core::Language l : {core::Language::Fr, core::Language::Nl, core::Language::En}) {
        std::string label(core::languageCode(l));
        for (auto& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const bool current = l == m.env.language;
        if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (button(m.env, label + "##lang", lw, 9)) sink.push(SetLanguage{l});
        if (current) ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    if (button(m.env, dash, buttonWidth(dash), 9)) sink.push(ShowDashboard{});
    ImGui::SameLine();
    if (colouredButton(m.env, lock, kBad, buttonWidth(lock), 9)) sink.push(LeaveDesk{});

    // Banners under the top bar, most urgent first: check-ins not saved, doors refusing every
    // scan, the demo PIN still in use.
    if (!m.writeProblem.empty())
        banner("write-problem", ImVec4(0.40f, 0.08f, 0.07f, 1.0f), kBannerText,
               m.env.fmt("desk.write_problem", {{"arg", m.writeProblem}}), 2);
    if (!m.doorsKey.empty())
        banner("doors", kWarnBanner, kWarn, m.env.fmt(m.doorsKey, {{"time", m.doorsTime}}), 1);
    if (m.demoPinWarning) banner("demo-pin", kWarnBanner, kWarn, tr(m, "desk.demo_pin_warning"), 1);
    if (!m.retentionPassed.empty())
        banner("retention", kWarnBanner, kWarn,
               m.env.fmt("desk.retention_passed", {{"time", m.retentionPassed}}), 1);
}

void drawNav(const DeskModel& m, IntentSink& sink) {
    ImGui::SetWindowFontScale(0.85f);
    auto nav = [&](DeskPage page, const std::string& label, bool enabled = true) {
        const bool current = m.page == page;
        if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        ImGui::BeginDisabled(!enabled);
        if (button(m.env, label, -1.0f, 12)) sink.push(ShowDeskPage{page});
        ImGui::EndDisabled();
        if (current) ImGui::PopStyleColor();
    };
    nav(DeskPage::Search, tr(m, "desk.nav.search"));
    std::string person = tr(m, "desk.nav.attendee");
    if (m.selected)
        person = fitText(m.selected->attendee.displayName(), ImGui::GetContentRegionAvail().x - 20);
    nav(DeskPage::Attendee, person + "##nav-attendee", m.selected.has_value());
    nav(DeskPage::WalkIn, tr(m, "desk.nav.walk_in"));
    nav(DeskPage::Queue,
        m.env.fmt("desk.nav.queue", {{"count", std::to_string(m.cases.size())}}) + "##nav-queue");
    nav(DeskPage::Settings, tr(m, "desk.nav.settings"));
}

/// Width of the navigation column: its longest label at the nav's scale, within limits.
float navWidth(const DeskModel& m, float screenW) {
    float w = 0;
    for (const char* k : {"desk.nav.search", "desk.nav.walk_in", "desk.nav.settings", "desk.nav.queue"})
        w = std::max(w, buttonWidth(m.env.fmt(k, {{"count", "00"}})) * 0.85f);
    return std::clamp(w + 24.0f, m.env.mm(40), screenW * 0.3f);
}

void pageTitle(const DeskModel& m, const std::string& title) {
    const bool f = pushFont(m.env, FontRole::Bold);
    text(title);
    popFont(f);
}

/// Height of the notice bar: its OK button (at least 9 mm) or a line of text, whichever is taller.
float noticeHeight(const DeskModel& m) {
    const ImGuiStyle& st = ImGui::GetStyle();
    return std::max(m.env.mm(9), ImGui::GetTextLineHeight() + st.FramePadding.y * 2) +
           st.WindowPadding.y * 2 + 2;
}

void drawNotice(const DeskModel& m, IntentSink& sink) {
    if (m.notice.key.empty()) return;
    const ImVec4 colour = m.notice.error ? kBad : kGood;
    const std::string icon = tr(m, m.notice.error ? "desk.icon.error" : "desk.icon.ok");
    ImGui::PushStyleColor(ImGuiCol_ChildBg,
                          ImVec4(colour.x * 0.35f, colour.y * 0.35f, colour.z * 0.35f, 1.0f));
    ImGui::BeginChild("notice", ImVec2(0, noticeHeight(m)), true, ImGuiWindowFlags_NoScrollbar);
    const float okX = ImGui::GetWindowContentRegionMax().x - m.env.mm(20);
    const bool f = pushFont(m.env, FontRole::Bold);
    // A long message (an error, a file path) stops short of the OK button.
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::PushClipRect(p, ImVec2(ImGui::GetWindowPos().x + okX - 8, p.y + ImGui::GetWindowHeight()), true);
    ImGui::AlignTextToFramePadding();
    text(icon + " " + m.env.fmt(m.notice.key, {{"arg", m.notice.arg}}));
    ImGui::PopClipRect();
    popFont(f);
    ImGui::SameLine(okX);
    if (button(m.env, tr(m, "desk.ok") + "##notice", m.env.mm(20), 9)) sink.push(DismissNotice{});
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

// --- search ----------------------------------------------------------------------------------

void drawSearch(const DeskModel& m, IntentSink& sink) {
    const bool f = pushFont(m.env, FontRole::Bold);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    std::string changed;
    if (inputText("##query", tr(m, "desk.search.hint").c_str(), m.query, changed))
        sink.push(SearchAttendees{changed});
    // Enter opens the first result: a desk works from the keyboard alone.
    const bool enter =
        ImGui::IsItemDeactivated() && (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
                                       ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter)));
    popFont(f);
    if (enter && !m.results.empty()) sink.push(SelectAttendee{m.results.front().id});
    if (m.query.empty()) {
        textColored(kMuted, tr(m, "desk.search.empty"));
        return;
    }
    if (m.results.empty()) {
        text(tr(m, "desk.search.none"));
        if (button(m.env, tr(m, "desk.search.register_walk_in"))) sink.push(ShowDeskPage{DeskPage::WalkIn});
        return;
    }
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
    if (ImGui::BeginTable("results", 4, flags, ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 1.5f))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(tr(m, "desk.col.name").c_str(), ImGuiTableColumnFlags_WidthStretch, 3);
        ImGui::TableSetupColumn(tr(m, "desk.col.organisation").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                3);
        ImGui::TableSetupColumn(tr(m, "desk.col.category").c_str(), ImGuiTableColumnFlags_WidthStretch, 1.5f);
        ImGui::TableSetupColumn(tr(m, "desk.col.status").c_str(), ImGuiTableColumnFlags_WidthStretch, 1.5f);
        ImGui::TableHeadersRow();
        for (std::size_t i = 0; i < m.results.size(); ++i) {
            const auto& a = m.results[i];
            ImGui::TableNextRow(0, m.env.mm(10));
            ImGui::TableNextColumn();
            ImGui::PushID(a.id.c_str());
            const std::string name = a.lastName.empty() ? a.firstName : a.lastName + ", " + a.firstName;
            if (ImGui::Selectable(name.c_str(), false, ImGuiSelectableFlags_SpanAllColumns,
                                  ImVec2(0, m.env.mm(10) - ImGui::GetStyle().CellPadding.y * 2)))
                sink.push(SelectAttendee{a.id});
            ImGui::PopID();
            ImGui::TableNextColumn();
            text(a.organisation);
            ImGui::TableNextColumn();
            text(a.category);
            ImGui::TableNextColumn();
            const bool in = i < m.resultsCheckedIn.size() && m.resultsCheckedIn[i];
            if (a.status == core::AttendeeStatus::Cancelled)
                textColored(kBad, tr(m, "desk.status.cancelled"));
            else
                textColored(in ? kGood : kMuted, tr(m, in ? "desk.status.arrived" : "desk.status.expected"));
        }
        ImGui::EndTable();
    }
    if (m.resultsTruncated) textColored(kMuted, tr(m, "desk.search.truncated"));
}

// --- attendee --------------------------------------------------------------------------------

void factRow(const DeskModel& m, std::string_view key, const std::string& value) {
    if (value.empty()) return;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    textColored(kMuted, tr(m, key));
    ImGui::TableNextColumn();
    textWrapped(value);
}

void drawAttendee(const DeskModel& m, IntentSink& sink) {
    if (!m.selected) return;
    const auto& d = *m.selected;
    const auto& a = d.attendee;

    const bool f = pushFont(m.env, FontRole::Title);
    ImGui::SetWindowFontScale(0.6f);
    text(a.firstName + " " + a.lastName);
    ImGui::SetWindowFontScale(0.8f);
    popFont(f);
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetTextLineHeight() * 0.4f);
    if (a.status == core::AttendeeStatus::Cancelled)
        textColored(kBad, tr(m, "desk.status.cancelled"));
    else
        textColored(d.checkedIn ? kGood : kMuted,
                    tr(m, d.checkedIn ? "desk.status.arrived" : "desk.status.expected"));

    // Facts on the left, actions on the right; plain tables (no child windows), so nothing
    // scrolls inside a box and the height follows the content.
    if (ImGui::BeginTable("attendee", 2, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        if (ImGui::BeginTable("facts", 2, ImGuiTableFlags_SizingFixedFit)) {
            ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed);
            ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
            factRow(m, "desk.field.badge_name", a.displayName());
            factRow(m, "desk.field.organisation", a.organisation);
            factRow(m, "desk.field.category", a.category);
            factRow(m, "desk.field.working_group", a.workingGroup);
            factRow(m, "desk.field.email", a.email);
            factRow(m, "desk.field.language",
                    tr(m, "language." + std::string(core::languageCode(a.language))));
            factRow(m, "desk.field.source",
                    a.externalSource + (a.externalId.empty() ? "" : " \u00B7 " + a.externalId));
            factRow(m, "desk.field.reprints", std::to_string(d.reprints));
            ImGui::EndTable();
        }
        ImGui::TableNextColumn();
        std::string changed;
        if (!d.checkedIn) {
            if (inputText("##checkin-reason", tr(m, "desk.action.checkin_reason").c_str(), m.checkinReason,
                          changed))
                sink.push(EditDeskField{DeskField::CheckinReason, changed});
            ImGui::BeginDisabled(a.status == core::AttendeeStatus::Cancelled);
            if (colouredButton(m.env, tr(m, "desk.action.check_in"), kGood, -1.0f, 13))
                sink.push(CheckInAttendee{a.id, m.checkinReason});
            ImGui::EndDisabled();
        } else {
            // Annul needs a reason: the button stays disabled until one is typed (and the
            // controller refuses an empty one too).
            if (inputText("##annul-reason", tr(m, "desk.action.annul_reason").c_str(), m.annulReason,
                          changed))
                sink.push(EditDeskField{DeskField::AnnulReason, changed});
            const bool hasReason = m.annulReason.find_first_not_of(" \t") != std::string::npos;
            ImGui::BeginDisabled(!hasReason);
            if (colouredButton(m.env, tr(m, "desk.action.annul"), kBad, -1.0f, 11))
                sink.push(Annul{a.id, m.annulReason});
            ImGui::EndDisabled();
        }
        ImGui::Spacing();
        if (button(m.env,
                   m.env.fmt("desk.action.reprint", {{"count", std::to_string(d.reprints)}}) + "##reprint",
                   -1.0f, 11))
            sink.push(Reprint{a.id});
        ImGui::Spacing();
        textColored(kMuted, tr(m, "desk.action.badge_name"));
        const std::string save = tr(m, "desk.action.rename");
        if (inputText("##badge-name", "", m.badgeName, changed, 0,
                      ImGui::GetContentRegionAvail().x - buttonWidth(save) - ImGui::GetStyle().ItemSpacing.x))
            sink.push(EditDeskField{DeskField::BadgeName, changed});
        ImGui::SameLine();
        if (button(m.env, save, -1.0f, 0)) sink.push(RenameForBadge{a.id, m.badgeName});
        // Erasure at the person's request: irreversible, so a reason first (kept in the audit log).
        ImGui::Spacing();
        if (inputText("##erase-reason", tr(m, "desk.action.erase_reason").c_str(), m.eraseReason, changed))
            sink.push(EditDeskField{DeskField::EraseReason, changed});
        ImGui::BeginDisabled(m.eraseReason.find_first_not_of(" \t") == std::string::npos);
        if (colouredButton(m.env, tr(m, "desk.action.erase"), kBad, -1.0f, 11))
            sink.push(EraseAttendee{a.id, m.eraseReason});
        ImGui::EndDisabled();
        ImGui::EndTable();
    }

    ImGui::Separator();
    text(tr(m, "desk.history.title"));
    if (d.history.empty()) {
        textColored(kMuted, tr(m, "desk.history.none"));
    } else if (ImGui::BeginTable("history", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
        ImGui::TableSetupColumn(tr(m, "desk.col.time").c_str());
        ImGui::TableSetupColumn(tr(m, "desk.col.kiosk").c_str());
        ImGui::TableSetupColumn(tr(m, "desk.col.action").c_str());
        ImGui::TableSetupColumn(tr(m, "desk.col.actor").c_str());
        ImGui::TableSetupColumn(tr(m, "desk.col.reason").c_str(), ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const auto& h : d.history) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            text(h.timeLocal);
            ImGui::TableNextColumn();
            text(h.kiosk);
            ImGui::TableNextColumn();
            if (h.action == "checkin")
                textColored(kGood, tr(m, "desk.history.checkin"));
            else
                textColored(kBad, tr(m, "desk.history.annul"));
            ImGui::TableNextColumn();
            text(h.actor);
            ImGui::TableNextColumn();
            text(h.reason);
        }
        ImGui::EndTable();
    }
    if (!d.printJobs.empty()) {
        text(tr(m, "desk.print.title"));
        if (ImGui::BeginTable("jobs", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
            ImGui::TableSetupColumn(tr(m, "desk.col.time").c_str());
            ImGui::TableSetupColumn(tr(m, "desk.col.kind").c_str());
            ImGui::TableSetupColumn(tr(m, "desk.col.state").c_str());
            ImGui::TableSetupColumn(tr(m, "desk.col.error").c_str(), ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableHeadersRow();
            for (const auto& j : d.printJobs) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                text(j.timeLocal);
                ImGui::TableNextColumn();
                text(tr(m, "desk.print.kind." + std::string(core::kindName(j.kind))));
                ImGui::TableNextColumn();
                const ImVec4 c = j.state == core::PrintJobState::Printed ? kGood
                                 : core::waitsForDesk(j.state)           ? kBad
                                                                         : kWarn;
                textColored(c, tr(m, "desk.print.state." + std::string(core::stateName(j.state))));
                ImGui::TableNextColumn();
                text(j.error);
            }
            ImGui::EndTable();
        }
    }
}

// --- walk-in ---------------------------------------------------------------------------------

void drawWalkIn(const DeskModel& m, IntentSink& sink) {
    const auto& w = m.walkIn;
    pageTitle(m, tr(m, "desk.walk_in.title"));
    textColored(kMuted, tr(m, "desk.walk_in.hint"));
    std::string changed;
    float labelW = 0;
    for (const char* k : {"desk.field.first_name", "desk.field.last_name", "desk.field.organisation",
                          "desk.field.category", "desk.field.working_group", "desk.field.language"})
        labelW = std::max(labelW, ImGui::CalcTextSize(tr(m, k).c_str()).x);
    labelW += ImGui::GetStyle().ItemSpacing.x * 3;
    auto row = [&](std::string_view key, const char* id, const std::string& value, DeskField fieldId) {
        ImGui::AlignTextToFramePadding();
        text(tr(m, key));
        ImGui::SameLine(labelW);
        if (inputText(id, "", value, changed)) sink.push(EditDeskField{fieldId, changed});
    };
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    row("desk.field.first_name", "##wi-first", w.firstName, DeskField::WalkInFirstName);
    row("desk.field.last_name", "##wi-last", w.lastName, DeskField::WalkInLastName);
    row("desk.field.organisation", "##wi-org", w.organisation, DeskField::WalkInOrganisation);

    auto combo = [&](std::string_view key, const char* id, const std::string& value,
                     const std::vector<std::string>& choices, DeskField fieldId, bool allowNone) {
        ImGui::AlignTextToFramePadding();
        text(tr(m, key));
        ImGui::SameLine(labelW);
        ImGui::SetNextItemWidth(-1.0f);
        const std::string preview = value.empty() ? tr(m, "desk.walk_in.none") : value;
        FieldFrame frame;
        if (ImGui::BeginCombo(id, preview.c_str())) {
            if (allowNone && ImGui::Selectable(tr(m, "desk.walk_in.none").c_str(), value.empty()))
                sink.push(EditDeskField{fieldId, ""});
            for (const auto& c : choices)
                if (ImGui::Selectable(c.c_str(), c == value)) sink.push(EditDeskField{fieldId, c});
            ImGui::EndCombo();
        }
    };
    combo("desk.field.category", "##wi-cat", w.category, m.categories, DeskField::WalkInCategory, false);
    combo("desk.field.working_group", "##wi-wg", w.workingGroup, m.workingGroups,
          DeskField::WalkInWorkingGroup, true);

    ImGui::AlignTextToFramePadding();
    text(tr(m, "desk.field.language"));
    ImGui::SameLine(labelW);
    for (core::Language l : {core::Language::Fr, core::Language::Nl, core::Language::En}) {
        const std::string code(core::languageCode(l));
        FieldFrame frame;
        if (ImGui::RadioButton((tr(m, "language." + code) + "##wi-lang-" + code).c_str(), w.language == l))
            sink.push(EditDeskField{DeskField::WalkInLanguage, code});
        ImGui::SameLine();
    }
    ImGui::NewLine();
    ImGui::Spacing();
    // Registered look-alikes first: most walk-ins registered and forgot their code.
    const bool hasMatches = !w.matches.empty();
    if (hasMatches) {
        textColored(kWarn, tr(m, "desk.walk_in.matches"));
        for (std::size_t i = 0; i < w.matches.size(); ++i) {
            const auto& a = w.matches[i];
            ImGui::PushID(a.id.c_str());
            if (button(m.env, tr(m, "desk.walk_in.open"), m.env.mm(22), 9)) sink.push(SelectAttendee{a.id});
            ImGui::SameLine();
            ImGui::AlignTextToFramePadding();
            const bool in = i < w.matchesCheckedIn.size() && w.matchesCheckedIn[i];
            const std::string status = a.status == core::AttendeeStatus::Cancelled
                                           ? tr(m, "desk.status.cancelled")
                                       : in ? tr(m, "desk.status.arrived")
                                            : tr(m, "desk.status.expected");
            text(a.displayName() + (a.organisation.empty() ? "" : " — " + a.organisation));
            ImGui::SameLine();
            textColored(a.status == core::AttendeeStatus::Cancelled ? kBad : in ? kGood : kMuted, status);
            ImGui::PopID();
        }
        ImGui::Spacing();
    }
    const bool hasName = (w.firstName + w.lastName).find_first_not_of(" \t") != std::string::npos;
    ImGui::BeginDisabled(!hasName);
    if (colouredButton(m.env, tr(m, hasMatches ? "desk.walk_in.submit_anyway" : "desk.walk_in.submit"),
                       hasMatches ? kWarn : kGood, -1.0f, 15)) {
        core::Attendee a;
        a.firstName = w.firstName;
        a.lastName = w.lastName;
        a.organisation = w.organisation;
        a.category = w.category;
        a.workingGroup = w.workingGroup;
        a.language = w.language;
        a.externalSource = "walkin";
        sink.push(RegisterWalkIn{a, true, /*confirmedNew=*/hasMatches});
    }
    ImGui::EndDisabled();
}

// --- queue -----------------------------------------------------------------------------------

void drawQueue(const DeskModel& m, IntentSink& sink) {
    pageTitle(m, tr(m, "desk.queue.title"));
    if (m.cases.empty()) {
        textColored(kGood, tr(m, "desk.queue.empty"));
        return;
    }
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
    if (!ImGui::BeginTable("cases", 4, flags, ImVec2(0, ImGui::GetContentRegionAvail().y - m.env.mm(2))))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(tr(m, "desk.col.time").c_str(), ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn(tr(m, "desk.col.reason").c_str(), ImGuiTableColumnFlags_WidthStretch, 2);
    ImGui::TableSetupColumn(tr(m, "desk.col.detail").c_str(), ImGuiTableColumnFlags_WidthStretch, 2);
    ImGui::TableSetupColumn(tr(m, "desk.col.actions").c_str(), ImGuiTableColumnFlags_WidthStretch, 3);
    ImGui::TableHeadersRow();
    const float bh = 9;  // mm
    for (const auto& c : m.cases) {
        ImGui::PushID(c.id.c_str());
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        // Same-day event: the time is enough; the case reference is what the attendee was shown.
        text(c.timeLocal.size() > 11 ? c.timeLocal.substr(11) : c.timeLocal);
        textColored(kMuted, c.kiosk);
        if (!c.caseRef.empty()) text(c.caseRef);
        ImGui::TableNextColumn();
        const bool print = c.kind == DeskCase::Kind::PrintJob;
        const bool duplicate = c.kind == DeskCase::Kind::Duplicate;
        textColored(print ? kWarn : kBad, print       ? tr(m, "desk.print.state." + c.reason)
                                          : duplicate ? tr(m, "desk.queue.duplicate")
                                                      : outcomeText(m, c.reason));
        if (!c.attendeeName.empty()) text(c.attendeeName);
        ImGui::TableNextColumn();
        if (duplicate) {
            // Both machines and both times; the one that reached the others late came from a
            // kiosk that was offline (the usual cause of a duplicate).
            // HH:MM (the date too when the two differ): the machine and the minute tell the two
            // apart; the column is narrow at 720p.
            const bool sameDay = c.first.timeLocal.substr(0, 10) == c.second.timeLocal.substr(0, 10);
            for (const auto* s : {&c.first, &c.second}) {
                const std::string when = s->timeLocal.size() >= 16
                                             ? s->timeLocal.substr(sameDay ? 11 : 0, sameDay ? 5 : 16)
                                             : s->timeLocal;
                const std::string line = (s == &c.first ? "1. " : "2. ") + s->kiosk + " \u00b7 " + when;
                text(fitText(line, ImGui::GetContentRegionAvail().x));
            }
            ImGui::PushStyleColor(ImGuiCol_Text, kWarn);
            for (const auto* s : {&c.first, &c.second})
                if (s->late) textWrapped((s == &c.first ? "1: " : "2: ") + tr(m, "desk.queue.late"));
            ImGui::PopStyleColor();
        } else {
            // Payloads can be 3 KB of base64: one line, cut to the column.
            text(fitText(c.detail, ImGui::GetContentRegionAvail().x));
        }

        ImGui::TableNextColumn();
        // Buttons flow: next to each other while they fit the column, else on the next line.
        const float cellW = ImGui::GetContentRegionAvail().x;
        float used = -1.0f;
        auto flow = [&](const std::string& label) {
            const float w = buttonWidth(label);
            const float sp = ImGui::GetStyle().ItemSpacing.x;
            if (used >= 0 && used + sp + w <= cellW) {
                ImGui::SameLine();
                used += sp + w;
            } else {
                used = w;
            }
            return button(m.env, label, w, bh);
        };
        if (duplicate) {
            if (flow(tr(m, "desk.queue.same_person")))
                sink.push(ResolveDuplicate{c.second.checkinId, c.first.checkinId});
            if (flow(tr(m, "desk.queue.annul_first")))
                sink.push(AnnulDuplicate{c.first.checkinId, c.second.checkinId});
            if (flow(tr(m, "desk.queue.annul_second")))
                sink.push(AnnulDuplicate{c.second.checkinId, c.first.checkinId});
            if (flow(tr(m, "desk.queue.open"))) sink.push(SelectAttendee{c.attendeeId});
        } else if (print) {
            if (flow(tr(m, "desk.queue.retry"))) sink.push(RetryPrintJob{c.id});
            if (flow(tr(m, "desk.queue.handed_out")))
                sink.push(DismissPrintJob{c.id, "badge handed out at the desk"});
            if (!c.attendeeId.empty() && flow(tr(m, "desk.queue.open")))
                sink.push(SelectAttendee{c.attendeeId});
        } else {
            if (!c.attendeeId.empty()) {
                if (flow(tr(m, "desk.queue.open"))) sink.push(SelectAttendee{c.attendeeId});
                // The usual duplicate: a lost or forgotten badge. Reprint it and close the case
                // (one core operation).
                if (c.reason == "already_checked_in" && flow(tr(m, "desk.queue.reprint_resolve")))
                    sink.push(ResolveCase{c.id, "reprinted", core::CaseAction::Reprint});
                // Doors not open yet, a ticket outside its validity …: the desk lets the person
                // in, which really checks them in (with their badge) and closes the case.
                if (c.reason != "already_checked_in" && flow(tr(m, "desk.queue.check_in_resolve")))
                    sink.push(ResolveCase{c.id, "checked in at the desk", core::CaseAction::CheckIn});
            }
            if (flow(tr(m, "desk.queue.resolved"))) sink.push(ResolveCase{c.id, "resolved"});
        }
        ImGui::PopID();
    }
    ImGui::EndTable();
}

// --- settings --------------------------------------------------------------------------------

void drawSettings(const DeskModel& m, IntentSink& sink) {
    pageTitle(m, tr(m, "desk.settings.pin_title"));
    ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
    textWrapped(tr(m, "desk.settings.pin_hint"));
    ImGui::PopStyleColor();
    std::string changed;
    const ImGuiInputTextFlags flags = ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal;
    const float w = m.env.mm(60);
    const float labelW = std::max(ImGui::CalcTextSize(tr(m, "desk.settings.new_pin").c_str()).x,
                                  ImGui::CalcTextSize(tr(m, "desk.settings.repeat_pin").c_str()).x) +
                         ImGui::GetStyle().ItemSpacing.x * 3;
    ImGui::AlignTextToFramePadding();
    text(tr(m, "desk.settings.new_pin"));
    ImGui::SameLine(labelW);
    if (inputText("##new-pin", "", m.newPin, changed, flags, w))
        sink.push(EditDeskField{DeskField::NewPin, changed});
    ImGui::AlignTextToFramePadding();
    text(tr(m, "desk.settings.repeat_pin"));
    ImGui::SameLine(labelW);
    if (inputText("##repeat-pin", "", m.newPinRepeat, changed, flags, w))
        sink.push(EditDeskField{DeskField::NewPinRepeat, changed});
    const bool same = !m.newPin.empty() && m.newPin == m.newPinRepeat;
    if (!m.newPinRepeat.empty() && !same) textColored(kBad, tr(m, "desk.notice.pin_mismatch"));
    ImGui::BeginDisabled(!same);
    if (button(m.env, tr(m, "desk.settings.save_pin"), w)) sink.push(ChangePin{m.newPin});
    ImGui::EndDisabled();
    ImGui::Spacing();
    ImGui::Separator();
    pageTitle(m, tr(m, "desk.settings.export_title"));
    ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
    textWrapped(tr(m, "desk.settings.export_hint"));
    ImGui::PopStyleColor();
    if (button(m.env, tr(m, "desk.settings.export"))) sink.push(ExportArrivals{});
    if (!m.lastExport.empty()) textColored(kGood, "\u2713 " + m.lastExport);
    ImGui::Spacing();
    ImGui::Separator();
    text(m.env.fmt("desk.settings.kiosk", {{"name", m.env.kioskName}}));
    ImGui::AlignTextToFramePadding();
    text(tr(m, m.env.largeText ? "desk.settings.large_text_on" : "desk.settings.large_text_off"));
    ImGui::SameLine();
    if (button(m.env, tr(m, "desk.settings.toggle_large_text"), 0, 9)) sink.push(ToggleLargeText{});
}

}  // namespace

void drawDesk(const DeskModel& m, IntentSink& sink) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    // NoBackground: the backend clears the screen to theme::kBackground (a software renderer
    // pays for a full-screen quad in fill rate).
    const ImGuiWindowFlags wf = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                ImGuiWindowFlags_NoBackground;
    ImGui::Begin("##desk", nullptr, wf);
    const bool body = pushFont(m.env, FontRole::Body);

    drawTopBar(m, sink);
    const float footer = ImGui::GetTextLineHeightWithSpacing() +
                         (m.notice.key.empty() ? 0 : noticeHeight(m) + ImGui::GetStyle().ItemSpacing.y);
    ImGui::Separator();
    ImGui::BeginChild("nav", ImVec2(navWidth(m, vp->WorkSize.x), -footer));
    drawNav(m, sink);
    ImGui::EndChild();
    ImGui::SameLine();
    // One child window per page: switching pages makes it "appear", which gives the page's first
    // field the keyboard focus (a volunteer types the walk-in's name right after clicking).
    static constexpr const char* kPageIds[] = {"page-search", "page-attendee", "page-walk-in", "page-queue",
                                               "page-settings"};
    ImGui::BeginChild(kPageIds[static_cast<int>(m.page)], ImVec2(0, -footer));
    // The desk shows more than the public screen: a smaller scale of the same fonts, so tables
    // fit at 720p and stay large at 4K.
    ImGui::SetWindowFontScale(0.8f);
    // While an action is being written, its page's buttons wait for the result (a second click
    // would act twice); the search keeps working.
    const bool hold = m.busy && m.page != DeskPage::Search;
    ImGui::BeginDisabled(hold);
    switch (m.page) {
        case DeskPage::Search:
            drawSearch(m, sink);
            break;
        case DeskPage::Attendee:
            drawAttendee(m, sink);
            break;
        case DeskPage::WalkIn:
            drawWalkIn(m, sink);
            break;
        case DeskPage::Queue:
            drawQueue(m, sink);
            break;
        case DeskPage::Settings:
            drawSettings(m, sink);
            break;
    }
    ImGui::EndDisabled();
    ImGui::EndChild();
    drawNotice(m, sink);
    char search[32], refresh[32];
    std::snprintf(search, sizeof search, "%.1f ms", m.lastSearchMs);
    std::snprintf(refresh, sizeof refresh, "%.1f ms", m.lastRefreshMs);
    if (m.busy) {
        textColored(kWarn, tr(m, "desk.busy"));
        ImGui::SameLine();
    }
    textColored(kMuted, m.env.kioskName + " \u00B7 " +
                            m.env.fmt("desk.footer", {{"search", search}, {"refresh", refresh}}));

    popFont(body);
    ImGui::End();
}

}  // namespace kiosk::ui
