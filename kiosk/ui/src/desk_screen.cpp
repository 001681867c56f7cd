// Sections: frame (top bar, navigation, notice, footer) · search · attendee · walk-in · queue ·
// settings. Every button pushes an intent; DeskController acts after the frame.
#include "desk_screen.hpp"

#include "desk_widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

namespace kiosk::ui {

namespace {

using namespace widgets;

const std::string& tr(const DeskModel& m, std::string_view key) { return m.env.tr(key); }

std::string outcomeText(const DeskModel& m, const std::string& reason) {
    return m.env.tr("desk.reason." + reason);
}

// --- frame -----------------------------------------------------------------------------------

void drawTopBar(const DeskModel& m, IntentSink& sink) {
    const bool f = pushFont(m.env, FontRole::Title);
    text(tr(m, "desk.title"));
    popFont(f);
    ImGui::SameLine();
    textColored(kMuted, m.eventName);

    // Right-aligned: languages, dashboard, leave.
    const float bw = m.env.mm(28);
    const float lw = m.env.mm(14);
    const float right = ImGui::GetWindowContentRegionMax().x;
    ImGui::SameLine(right - 3 * (lw + ImGui::GetStyle().ItemSpacing.x) - 2 * (bw + ImGui::GetStyle().ItemSpacing.x));
    for (core::Language l : {core::Language::Fr, core::Language::Nl, core::Language::En}) {
        const std::string code(core::languageCode(l));
        std::string label = code;
        for (auto& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const bool current = l == m.env.language;
        if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (button(m.env, label + "##lang", lw, 10)) sink.push(SetLanguage{l});
        if (current) ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    if (button(m.env, tr(m, "desk.nav.dashboard"), bw, 10)) sink.push(ShowDashboard{});
    ImGui::SameLine();
    if (colouredButton(m.env, tr(m, "desk.nav.lock"), kBad, bw, 10)) sink.push(LeaveDesk{});

    if (m.demoPinWarning) {
        ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.35f, 0.25f, 0.02f, 1.0f));
        ImGui::BeginChild("demo-pin", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 1.6f), false,
                          ImGuiWindowFlags_NoScrollbar);
        ImGui::SetCursorPos(ImVec2(8, 4));
        textColored(kWarn, tr(m, "desk.demo_pin_warning"));
        ImGui::EndChild();
        ImGui::PopStyleColor();
    }
    ImGui::Separator();
}

void drawNav(const DeskModel& m, IntentSink& sink) {
    auto nav = [&](DeskPage page, const std::string& label, bool enabled = true) {
        const bool current = m.page == page;
        if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        ImGui::BeginDisabled(!enabled);
        if (button(m.env, label, -1.0f, 13)) sink.push(ShowDeskPage{page});
        ImGui::EndDisabled();
        if (current) ImGui::PopStyleColor();
    };
    nav(DeskPage::Search, tr(m, "desk.nav.search"));
    std::string person = tr(m, "desk.nav.attendee");
    if (m.selected) person = m.selected->attendee.displayName();
    nav(DeskPage::Attendee, person + "##nav-attendee", m.selected.has_value());
    nav(DeskPage::WalkIn, tr(m, "desk.nav.walk_in"));
    nav(DeskPage::Queue, m.env.fmt("desk.nav.queue", {{"count", std::to_string(m.cases.size())}}) + "##nav-queue");
    nav(DeskPage::Settings, tr(m, "desk.nav.settings"));
}

void drawNotice(const DeskModel& m, IntentSink& sink) {
    if (m.notice.key.empty()) return;
    const ImVec4 colour = m.notice.error ? kBad : kGood;
    const std::string icon = tr(m, m.notice.error ? "desk.icon.error" : "desk.icon.ok");
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(colour.x * 0.35f, colour.y * 0.35f, colour.z * 0.35f, 1.0f));
    ImGui::BeginChild("notice", ImVec2(0, m.env.mm(13)), true, ImGuiWindowFlags_NoScrollbar);
    const bool f = pushFont(m.env, FontRole::Bold);
    text(icon + " " + m.env.fmt(m.notice.key, {{"arg", m.notice.arg}}));
    popFont(f);
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - m.env.mm(20));
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
    popFont(f);
    if (m.query.empty()) {
        textColored(kMuted, tr(m, "desk.search.empty"));
        return;
    }
    if (m.results.empty()) {
        text(tr(m, "desk.search.none"));
        if (button(m.env, tr(m, "desk.search.register_walk_in"))) sink.push(ShowDeskPage{DeskPage::WalkIn});
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
    if (ImGui::BeginTable("results", 4, flags, ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 1.5f))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(tr(m, "desk.col.name").c_str(), ImGuiTableColumnFlags_WidthStretch, 3);
        ImGui::TableSetupColumn(tr(m, "desk.col.organisation").c_str(), ImGuiTableColumnFlags_WidthStretch, 3);
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

void field(const DeskModel& m, std::string_view key, const std::string& value) {
    if (value.empty()) return;
    textColored(kMuted, tr(m, key));
    ImGui::SameLine(m.env.mm(42));
    text(value);
}

void drawAttendee(const DeskModel& m, IntentSink& sink) {
    if (!m.selected) return;
    const auto& d = *m.selected;
    const auto& a = d.attendee;

    const bool f = pushFont(m.env, FontRole::Title);
    text(a.firstName + " " + a.lastName);
    popFont(f);
    ImGui::SameLine();
    if (a.status == core::AttendeeStatus::Cancelled)
        textColored(kBad, tr(m, "desk.status.cancelled"));
    else
        textColored(d.checkedIn ? kGood : kMuted, tr(m, d.checkedIn ? "desk.status.arrived" : "desk.status.expected"));

    ImGui::BeginChild("facts", ImVec2(ImGui::GetContentRegionAvail().x * 0.5f, m.env.mm(52)));
    field(m, "desk.field.badge_name", a.displayName());
    field(m, "desk.field.organisation", a.organisation);
    field(m, "desk.field.category", a.category);
    field(m, "desk.field.working_group", a.workingGroup);
    field(m, "desk.field.email", a.email);
    field(m, "desk.field.language", tr(m, "language." + std::string(core::languageCode(a.language))));
    field(m, "desk.field.source", a.externalSource + (a.externalId.empty() ? "" : " · " + a.externalId));
    field(m, "desk.field.reprints", std::to_string(d.reprints));
    ImGui::EndChild();
    ImGui::SameLine();

    ImGui::BeginChild("actions", ImVec2(0, m.env.mm(52)));
    std::string changed;
    if (!d.checkedIn) {
        if (inputText("##checkin-reason", tr(m, "desk.action.checkin_reason").c_str(), m.checkinReason, changed))
            sink.push(EditDeskField{DeskField::CheckinReason, changed});
        ImGui::BeginDisabled(a.status == core::AttendeeStatus::Cancelled);
        if (colouredButton(m.env, tr(m, "desk.action.check_in"), kGood, -1.0f, 14))
            sink.push(CheckInAttendee{a.id, m.checkinReason});
        ImGui::EndDisabled();
    } else {
        // Annul needs a reason: the button stays disabled until one is typed (and the controller
        // refuses an empty one too).
        if (inputText("##annul-reason", tr(m, "desk.action.annul_reason").c_str(), m.annulReason, changed))
            sink.push(EditDeskField{DeskField::AnnulReason, changed});
        const bool hasReason = m.annulReason.find_first_not_of(" \t") != std::string::npos;
        ImGui::BeginDisabled(!hasReason);
        if (colouredButton(m.env, tr(m, "desk.action.annul"), kBad, -1.0f, 12))
            sink.push(Annul{a.id, m.annulReason});
        ImGui::EndDisabled();
    }
    if (button(m.env, m.env.fmt("desk.action.reprint", {{"count", std::to_string(d.reprints)}}) + "##reprint", -1.0f))
        sink.push(Reprint{a.id});
    if (inputText("##badge-name", tr(m, "desk.action.badge_name").c_str(), m.badgeName, changed,
                  0, ImGui::GetContentRegionAvail().x - m.env.mm(32)))
        sink.push(EditDeskField{DeskField::BadgeName, changed});
    ImGui::SameLine();
    if (button(m.env, tr(m, "desk.action.rename"), -1.0f, 9)) sink.push(RenameForBadge{a.id, m.badgeName});
    ImGui::EndChild();

    ImGui::Separator();
    text(tr(m, "desk.history.title"));
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
    if (d.history.empty()) {
        textColored(kMuted, tr(m, "desk.history.none"));
    } else if (ImGui::BeginTable("history", 5, flags, ImVec2(0, m.env.mm(40)))) {
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
        if (ImGui::BeginTable("jobs", 4, flags, ImVec2(0, 0))) {
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
                text(tr(m, "desk.print.kind." + j.kind));
                ImGui::TableNextColumn();
                const ImVec4 c = j.state == "printed" ? kGood : (j.state == "failed" || j.state == "held") ? kBad : kWarn;
                textColored(c, tr(m, "desk.print.state." + j.state));
                ImGui::TableNextColumn();
                text(j.lastError);
            }
            ImGui::EndTable();
        }
    }
}

// --- walk-in ---------------------------------------------------------------------------------

void drawWalkIn(const DeskModel& m, IntentSink& sink) {
    const auto& w = m.walkIn;
    const bool f = pushFont(m.env, FontRole::Title);
    text(tr(m, "desk.walk_in.title"));
    popFont(f);
    textColored(kMuted, tr(m, "desk.walk_in.hint"));
    std::string changed;
    const float labelW = m.env.mm(40);
    auto row = [&](std::string_view key, const char* id, const std::string& value, DeskField fieldId) {
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
        text(tr(m, key));
        ImGui::SameLine(labelW);
        ImGui::SetNextItemWidth(-1.0f);
        const std::string preview = value.empty() ? tr(m, "desk.walk_in.none") : value;
        if (ImGui::BeginCombo(id, preview.c_str())) {
            if (allowNone && ImGui::Selectable(tr(m, "desk.walk_in.none").c_str(), value.empty()))
                sink.push(EditDeskField{fieldId, ""});
            for (const auto& c : choices)
                if (ImGui::Selectable(c.c_str(), c == value)) sink.push(EditDeskField{fieldId, c});
            ImGui::EndCombo();
        }
    };
    combo("desk.field.category", "##wi-cat", w.category, m.categories, DeskField::WalkInCategory, false);
    combo("desk.field.working_group", "##wi-wg", w.workingGroup, m.workingGroups, DeskField::WalkInWorkingGroup, true);

    text(tr(m, "desk.field.language"));
    ImGui::SameLine(labelW);
    for (core::Language l : {core::Language::Fr, core::Language::Nl, core::Language::En}) {
        const std::string code(core::languageCode(l));
        if (ImGui::RadioButton((tr(m, "language." + code) + "##wi-lang-" + code).c_str(), w.language == l))
            sink.push(EditDeskField{DeskField::WalkInLanguage, code});
        ImGui::SameLine();
    }
    ImGui::NewLine();
    ImGui::Spacing();
    const bool hasName = (w.firstName + w.lastName).find_first_not_of(" \t") != std::string::npos;
    ImGui::BeginDisabled(!hasName);
    if (colouredButton(m.env, tr(m, "desk.walk_in.submit"), kGood, -1.0f, 15)) {
        core::Attendee a;
        a.firstName = w.firstName;
        a.lastName = w.lastName;
        a.organisation = w.organisation;
        a.category = w.category;
        a.workingGroup = w.workingGroup;
        a.language = w.language;
        a.externalSource = "walkin";
        sink.push(RegisterWalkIn{a, true});
    }
    ImGui::EndDisabled();
}

// --- queue -----------------------------------------------------------------------------------

void drawQueue(const DeskModel& m, IntentSink& sink) {
    const bool f = pushFont(m.env, FontRole::Title);
    text(tr(m, "desk.queue.title"));
    popFont(f);
    if (m.cases.empty()) {
        textColored(kGood, tr(m, "desk.queue.empty"));
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
    if (!ImGui::BeginTable("cases", 5, flags, ImVec2(0, ImGui::GetContentRegionAvail().y - m.env.mm(4)))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(tr(m, "desk.col.time").c_str(), ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn(tr(m, "desk.col.case").c_str(), ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn(tr(m, "desk.col.reason").c_str(), ImGuiTableColumnFlags_WidthStretch, 2);
    ImGui::TableSetupColumn(tr(m, "desk.col.detail").c_str(), ImGuiTableColumnFlags_WidthStretch, 2);
    ImGui::TableSetupColumn(tr(m, "desk.col.actions").c_str(), ImGuiTableColumnFlags_WidthStretch, 3);
    ImGui::TableHeadersRow();
    const float bh = 9;  // mm
    for (const auto& c : m.cases) {
        ImGui::PushID(c.id.c_str());
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        text(c.timeLocal);
        textColored(kMuted, c.kiosk);
        ImGui::TableNextColumn();
        text(c.caseRef.empty() ? std::string("—") : c.caseRef);
        ImGui::TableNextColumn();
        const bool print = c.kind == DeskCase::Kind::PrintJob;
        textColored(print ? kWarn : kBad, print ? tr(m, "desk.print.state." + c.reason) : outcomeText(m, c.reason));
        if (!c.attendeeName.empty()) text(c.attendeeName);
        ImGui::TableNextColumn();
        ImGui::PushTextWrapPos(0.0f);
        text(c.detail);
        ImGui::PopTextWrapPos();
        ImGui::TableNextColumn();
        if (print) {
            if (button(m.env, tr(m, "desk.queue.retry"), 0, bh)) sink.push(RetryPrintJob{c.id});
            ImGui::SameLine();
            if (button(m.env, tr(m, "desk.queue.handed_out"), 0, bh))
                sink.push(DismissPrintJob{c.id, "badge handed out at the desk"});
            if (!c.attendeeId.empty()) {
                ImGui::SameLine();
                if (button(m.env, tr(m, "desk.queue.open"), 0, bh)) sink.push(SelectAttendee{c.attendeeId});
            }
        } else {
            if (!c.attendeeId.empty()) {
                if (button(m.env, tr(m, "desk.queue.open"), 0, bh)) sink.push(SelectAttendee{c.attendeeId});
                ImGui::SameLine();
                if (c.reason == "already_checked_in") {
                    // The usual case: a lost or forgotten badge. Reprint it and close the case.
                    if (button(m.env, tr(m, "desk.queue.reprint_resolve"), 0, bh)) {
                        sink.push(Reprint{c.attendeeId});
                        sink.push(ResolveCase{c.id, "reprinted"});
                    }
                    ImGui::SameLine();
                }
            }
            if (button(m.env, tr(m, "desk.queue.checked_in_manually"), 0, bh))
                sink.push(ResolveCase{c.id, "checked in manually"});
            ImGui::SameLine();
            if (button(m.env, tr(m, "desk.queue.resolved"), 0, bh)) sink.push(ResolveCase{c.id, "resolved"});
        }
        ImGui::PopID();
    }
    ImGui::EndTable();
}

// --- settings --------------------------------------------------------------------------------

void drawSettings(const DeskModel& m, IntentSink& sink) {
    const bool f = pushFont(m.env, FontRole::Title);
    text(tr(m, "desk.settings.pin_title"));
    popFont(f);
    textColored(kMuted, tr(m, "desk.settings.pin_hint"));
    std::string changed;
    const ImGuiInputTextFlags flags = ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal;
    const float w = m.env.mm(60);
    text(tr(m, "desk.settings.new_pin"));
    ImGui::SameLine(m.env.mm(50));
    if (inputText("##new-pin", "", m.newPin, changed, flags, w)) sink.push(EditDeskField{DeskField::NewPin, changed});
    text(tr(m, "desk.settings.repeat_pin"));
    ImGui::SameLine(m.env.mm(50));
    if (inputText("##repeat-pin", "", m.newPinRepeat, changed, flags, w))
        sink.push(EditDeskField{DeskField::NewPinRepeat, changed});
    const bool same = !m.newPin.empty() && m.newPin == m.newPinRepeat;
    if (!m.newPinRepeat.empty() && !same) textColored(kBad, tr(m, "desk.notice.pin_mismatch"));
    ImGui::BeginDisabled(!same);
    if (button(m.env, tr(m, "desk.settings.save_pin"), w)) sink.push(ChangePin{m.newPin});
    ImGui::EndDisabled();
    ImGui::Spacing();
    ImGui::Separator();
    text(m.env.fmt("desk.settings.kiosk", {{"name", m.env.kioskName}}));
    text(tr(m, m.env.largeText ? "desk.settings.large_text_on" : "desk.settings.large_text_off"));
    ImGui::SameLine();
    if (button(m.env, tr(m, "desk.settings.toggle_large_text"), 0, 9)) sink.push(ToggleLargeText{});
}

}  // namespace

void drawDesk(const DeskModel& m, IntentSink& sink) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    const ImGuiWindowFlags wf = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("##desk", nullptr, wf);
    const bool body = pushFont(m.env, FontRole::Body);

    drawTopBar(m, sink);
    const float footer = ImGui::GetTextLineHeightWithSpacing() + (m.notice.key.empty() ? 0 : m.env.mm(15));
    const float navW = std::max(m.env.mm(45), vp->WorkSize.x * 0.18f);
    ImGui::BeginChild("nav", ImVec2(navW, -footer));
    drawNav(m, sink);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("page", ImVec2(0, -footer));
    switch (m.page) {
        case DeskPage::Search: drawSearch(m, sink); break;
        case DeskPage::Attendee: drawAttendee(m, sink); break;
        case DeskPage::WalkIn: drawWalkIn(m, sink); break;
        case DeskPage::Queue: drawQueue(m, sink); break;
        case DeskPage::Settings: drawSettings(m, sink); break;
    }
    ImGui::EndChild();
    drawNotice(m, sink);
    char timing[96];
    std::snprintf(timing, sizeof timing, "search %.1f ms · refresh %.1f ms", m.lastSearchMs, m.lastRefreshMs);
    textColored(kMuted, m.env.kioskName + " · " + timing);

    popFont(body);
    ImGui::End();
}

}  // namespace kiosk::ui
