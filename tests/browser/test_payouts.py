"""A grant paid out in the browser: a project leader requests the first tranche (refused
above what the tranche allows, the input kept), the adviser approves it, the payment
order PDF is made and read, the payout is registered as paid; then the final payment
with documented costs below the grant, settled with the claw-back computed. Every page
on the way is axe-clean."""

import subprocess
import time
from pathlib import Path

import pytest
from django.utils import timezone

from agreements.models import Agreement
from ilag.formats import dato
from ilag.review import ReviewStatus
from municipalities.models import Municipality
from payouts.models import PaymentRequest, Payout, Settlement
from projects.models import ProgressReport, Project
from reports.models import ReportOrder
from reports.tasks import report_order_render
from tests.browser.test_full_cycle import SHOTS, Walk, log_out_and_in

pytestmark = pytest.mark.browser


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def shown(page) -> str:
    """The page's text as read, non-breaking spaces as spaces."""
    return page.locator("body").inner_text().replace("\xa0", " ")


def test_request_approve_pay_and_settle_with_a_clawback(page, tmp_path):
    walk = Walk(page)
    snasa = Municipality.objects.get(name="Snåsa")
    agreement = Agreement.objects.get(programme__slug="i-lag", municipalities=snasa)
    project = Project.objects.create(
        agreement=agreement,
        title="Utbetalingsprøve",
        start_date=agreement.start_date,
        end_date=agreement.end_date,
        status=Project.Status.ACTIVE,
        lead_municipality=snasa,
        granted_amount=400_000,
    )
    project.municipalities.set([snasa])
    cap = agreement.programme.max_county_share_percent  # 80 % in the demo

    # The leader asks for more than the first tranche (40 % = 160 000) allows.
    log_out_and_in(page, "leder.snasa")
    walk.go(f"/utbetalinger/prosjekt/{project.pk}/", "project-payouts")
    walk.click("link", "Anmod om utbetaling", "request-form")
    page.get_by_label("Beløp det anmodes om (kr)").fill("170 000")
    page.get_by_label("Prosjektledelse", exact=True).fill("250 000")
    walk.click("button", "Lagre som utkast", "request-refused")
    assert "gir rom for kr 160 000 til" in shown(page)
    assert page.get_by_label("Beløp det anmodes om (kr)").input_value() == "170 000"
    assert not PaymentRequest.objects.filter(project=project).exists()
    page.get_by_label("Beløp det anmodes om (kr)").fill("160 000")
    walk.click("button", "Lagre som utkast", "request-draft")
    request = PaymentRequest.objects.get(project=project)
    # Submitting needs the confirmation.
    walk.click("button", "Send inn anmodningen", "submit-refused")
    assert "Bekreft at kostnadene er påløpt" in shown(page)
    page.get_by_label(
        "Jeg bekrefter at kostnadene er påløpt og at opplysningene er riktige."
    ).check()
    walk.click("button", "Send inn anmodningen", "submitted")
    request.refresh_from_db()
    assert request.status == ReviewStatus.SUBMITTED

    # The adviser finds it among the payouts and approves it.
    log_out_and_in(page, "radgiver")
    walk.go("/utbetalinger/", "payout-list")
    walk.click("link", project.title_with_municipality, "request-to-review")
    walk.click("button", "Godkjenn og anvis utbetalingen", "approved")
    payout = Payout.objects.get(request=request)
    assert payout.amount == 160_000 and not payout.is_paid
    order = ReportOrder.objects.get(kind=ReportOrder.Kind.PAYMENT_ORDER, payout=payout)
    # The PDF is made here, as the worker would; if a worker of the task tests is still
    # running it may have taken the order first ("skipped"): then wait for it.
    if report_order_render(order.pk) != "ready":
        deadline = time.monotonic() + 60
        while order.status != ReportOrder.Status.READY and time.monotonic() < deadline:
            time.sleep(0.5)
            order.refresh_from_db()
    order.refresh_from_db()
    assert order.status == ReportOrder.Status.READY, order.failure_reason
    walk.go(request.get_absolute_url(), "order-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned utbetalingsanvisningen (PDF)").click()
    pdf = tmp_path / "anvisning.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf)
    assert "Utbetalingsanvisning" in text and payout.reference in text
    assert "kr 160 000" in text.replace("\xa0", " ")
    assert snasa.bank_account_display in text
    if SHOTS:
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), f"{SHOTS}/anvisning"], check=True)

    # Registered as paid with the ledger's voucher.
    page.get_by_label("Bilagsnummer i regnskapet").fill("B-5001")
    walk.click("button", "Registrer som betalt", "paid")
    payout.refresh_from_db()
    assert (payout.paid_on, payout.voucher_number) == (timezone.localdate(), "B-5001")
    assert f"Betalt {dato(timezone.localdate())}, bilag B-5001." in shown(page)

    # The final report is approved; the costs came to 150 000 in all, so the county's
    # share is at most 80 % of them, 120 000: 40 000 of what was paid is claimed back.
    ProgressReport.objects.create(
        project=project,
        period_start=project.start_date,
        period_end=project.end_date,
        is_final=True,
        status=ReviewStatus.APPROVED,
        reviewed_at=timezone.now(),
    )
    log_out_and_in(page, "leder.snasa")
    walk.go(f"/utbetalinger/prosjekt/{project.pk}/ny/", "final-form")
    final_tranche = next(t for t in agreement.tranches.all() if t.is_final)
    page.get_by_label("Delutbetaling").select_option(str(final_tranche.pk))
    page.get_by_label("Beløp det anmodes om (kr)").fill("240 000")
    page.get_by_label("Prosjektledelse", exact=True).fill("150 000")
    walk.click("button", "Lagre som utkast", "final-refused")
    assert "sluttutbetalingen være høyst kr 0:" in shown(page)
    page.get_by_label("Beløp det anmodes om (kr)").fill("0")
    walk.click("button", "Lagre som utkast", "final-draft")
    final = PaymentRequest.objects.get(project=project, is_final=True)
    page.get_by_label(
        "Jeg bekrefter at kostnadene er påløpt og at opplysningene er riktige."
    ).check()
    walk.click("button", "Send inn anmodningen", "final-needs-accounts")
    assert "Legg ved prosjektregnskapet" in shown(page)
    accounts = tmp_path / "regnskap.pdf"
    accounts.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    walk.click("link", "Last opp dokument", "upload")
    page.get_by_label("Tittel").fill("Revisorbekreftet regnskap")
    page.get_by_label("Fil").set_input_files(str(accounts))
    walk.click("button", "Last opp", "uploaded")
    page.get_by_label(
        "Jeg bekrefter at kostnadene er påløpt og at opplysningene er riktige."
    ).check()
    walk.click("button", "Send inn anmodningen", "final-submitted")

    log_out_and_in(page, "radgiver")
    walk.go(final.get_absolute_url(), "final-to-review")
    walk.click("button", "Godkjenn og anvis utbetalingen", "settled")
    settlement = Settlement.objects.get(project=project)
    expected_allowed = 150_000 * cap // 100
    assert (settlement.allowed, settlement.final_payment, settlement.clawback) == (
        expected_allowed,
        0,
        160_000 - expected_allowed,
    )
    clawback = Payout.objects.get(project=project, kind=Payout.Kind.CLAWBACK)
    assert clawback.amount == -(160_000 - expected_allowed)
    assert "Krevd tilbakeført" in shown(page)
    walk.go(f"/utbetalinger/prosjekt/{project.pk}/", "project-settled")
    assert "Tilskuddet ble gjort opp" in shown(page)
    cells = page.locator("table.money-table tbody td").all_inner_texts()
    # Granted (settled), waiting, ordered (the claw-back claimed), paid, remaining.
    assert [c.replace("\xa0", " ") for c in cells] == [
        f"kr {expected_allowed:,}".replace(",", " "),
        "kr 0",
        f"−kr {160_000 - expected_allowed:,}".replace(",", " "),
        "kr 160 000",
        "kr 0",
    ]


def test_plan_and_account_number_forms_refuse_bad_input_and_pass_axe(page):
    walk = Walk(page)
    agreement = Agreement.objects.get(
        programme__slug="i-lag", municipalities__name="Meråker", title__contains="Meråker"
    )
    log_out_and_in(page, "radgiver")
    walk.go(f"/utbetalinger/avtale/{agreement.pk}/utbetalingsplan/", "plan-form")
    before = list(agreement.tranches.values_list("pk", "label", "percent", "is_final"))
    # Saved as it is, the plan stays as it is.
    walk.click("button", "Lagre planen", "plan-saved")
    assert "Utbetalingsplanen er lagret." in shown(page)
    assert list(agreement.tranches.values_list("pk", "label", "percent", "is_final")) == before
    walk.go(f"/utbetalinger/avtale/{agreement.pk}/utbetalingsplan/", "plan-form-again")
    # The second part payment made the final one too: a plan has exactly one.
    page.locator("#id_tranches-1-is_final").check()
    walk.click("button", "Lagre planen", "plan-refused")
    assert "nøyaktig én sluttutbetaling" in shown(page)
    assert page.locator("#id_tranches-1-is_final").is_checked()
    assert [t.is_final for t in agreement.tranches.all()] == [False, False, True]

    snasa = Municipality.objects.get(name="Snåsa")
    before = snasa.bank_account_number
    walk.go(f"/kommuner/{snasa.number}/rediger/", "account-form")
    page.get_by_label("Kontonummer").fill("1503.12.34568")
    walk.click("button", "Lagre", "account-refused")
    assert "feil kontrollsiffer" in shown(page)
    assert page.get_by_label("Kontonummer").input_value() == "1503.12.34568"
    snasa.refresh_from_db()
    assert snasa.bank_account_number == before
