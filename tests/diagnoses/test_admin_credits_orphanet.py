from __future__ import annotations


def test_the_diagnosis_list_in_admin_credits_orphanet(admin_client, alstrom):
    response = admin_client.get("/admin/diagnoses/diagnosis/")

    assert response.status_code == 200
    assert "Diagnosis names from Orphanet, www.orpha.net (CC BY 4.0)" in response.text
