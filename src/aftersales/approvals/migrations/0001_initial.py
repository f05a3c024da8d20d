# The K7 approvals taken over from complaints: state only, the table was renamed by
# complaints.0005 (rows and ids kept; docs/decisions/0014).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("complaints", "0005_approval_moves_to_approvals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Approval',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('subject_type', models.CharField(max_length=64, verbose_name='record type')),
                        ('subject_id', models.CharField(max_length=64, verbose_name='record id')),
                        ('subject_label', models.CharField(max_length=200, verbose_name='record')),
                        ('purpose', models.CharField(choices=[('compensation', 'Compensation'), ('discount', 'Discount'), ('return', 'Return'), ('sanction', 'Sanction'), ('other', 'Other')], max_length=16, verbose_name='purpose')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount (yuan)')),
                        ('required_role', models.CharField(max_length=32, verbose_name='approver role')),
                        ('rule', models.CharField(default='K7', max_length=16, verbose_name='rule')),
                        ('policy_version', models.PositiveIntegerField(default=0, verbose_name='policy version')),
                        ('state', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('refused', 'Refused')], default='pending', max_length=16, verbose_name='state')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('decision_note', models.TextField(blank=True, verbose_name='decision note')),
                        ('explanation', models.JSONField(default=dict, verbose_name='explanation')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'amount approval',
                        'verbose_name_plural': 'amount approvals',
                        'ordering': ['created_at', 'id'],
                        'indexes': [models.Index(fields=['state', 'required_role', 'created_at'], name='k7_approval_queue_idx'), models.Index(fields=['subject_type', 'subject_id', 'created_at'], name='k7_approval_subject_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='k7_approval_amount_not_negative')],
                    },
                ),
            ],
        ),
    ]
