"""
Deliveries name their address themselves, so that one machinery serves subscribers,
RSVPs and anyone else: the address is copied from each existing delivery's
subscription, and an address (not a subscription) gets an email once. Notices of a
change or cancellation join the kinds of announcement, which now record the
session's SEQUENCE and state that they told.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_addresses(apps, schema_editor):
    Delivery = apps.get_model("meetups", "Delivery")
    Subscription = apps.get_model("meetups", "Subscription")
    Delivery.objects.update(
        email=Subquery(
            Subscription.objects.filter(pk=OuterRef("subscription_id")).values("email")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("meetups", "0007_attendance")]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="email",
            field=models.EmailField(
                default="", help_text="Normalized, like subscriptions'.", max_length=254
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_addresses, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(
            model_name="delivery", name="meetups_delivery_once_per_subscriber"
        ),
        migrations.AlterField(
            model_name="delivery",
            name="subscription",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="deliveries",
                to="meetups.subscription",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                fields=("announcement", "email"),
                name="meetups_delivery_once_per_address",
                violation_error_message="This address already gets this email.",
            ),
        ),
        migrations.AddField(
            model_name="announcement",
            name="sequence",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="announcement",
            name="session_state",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AlterField(
            model_name="announcement",
            name="kind",
            field=models.CharField(
                choices=[
                    ("announcement", "Announcement"),
                    ("reminder", "Reminder"),
                    ("change", "Change notice"),
                    ("cancellation", "Cancellation notice"),
                ],
                default="announcement",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("skipped", "Skipped (unsubscribed or RSVP cancelled before sending)"),
                ],
                default="pending",
                max_length=20,
            ),
        ),
    ]
