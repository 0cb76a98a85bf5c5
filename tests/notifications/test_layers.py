"""The notifications app knows no domain app: an import of one breaks `make lint`."""

from tests.test_architecture import _copy_tree, _lint


def test_notifications_importing_a_domain_app_fails_the_lint(tmp_path):
    _copy_tree(tmp_path)
    services = tmp_path / "studygroups" / "notifications" / "services.py"
    services.write_text(
        services.read_text() + "\nfrom studygroups.groups import models as _groups\n"
    )
    broken = _lint(tmp_path)
    assert broken.returncode != 0
    assert "Notifications know no domain app: the apps ask it, never the reverse BROKEN" in (
        broken.stdout
    )
