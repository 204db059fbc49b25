"""Notices of unreached persons (未应答通知): one per recipient and escalation round,
naming every unreached subordinate, instead of one escalation target (and its whole
ladder of calls) per subordinate. Existing escalation targets are kept as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0004_target_state_updates_in_place'),
        ('core', '0005_apitoken_expiry'),
    ]

    operations = [
        migrations.CreateModel(
            name='CallUpNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('superior', '上级'), ('duty_officer', '值班员')], max_length=14, verbose_name='类别')),
                ('round_at', models.DateTimeField(verbose_name='升级轮次时间')),
                ('state', models.CharField(choices=[('open', '待发送'), ('sent', '已发送'), ('cancelled', '已取消')], default='open', max_length=10, verbose_name='状态')),
                ('created_at', models.DateTimeField(verbose_name='创建时间')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                ('about', models.ManyToManyField(related_name='notices', to='alerts.calluptarget', verbose_name='未应答人员')),
                ('callup', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='alerts.callup')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.person', verbose_name='接收人')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region', verbose_name='区划')),
            ],
            options={
                'verbose_name': '未应答通知 Unreached notice',
                'verbose_name_plural': '未应答通知 Unreached notices',
                'ordering': ['callup_id', 'round_at', 'region_id', 'id'],
                'indexes': [models.Index(condition=models.Q(('state', 'open')), fields=['round_at', 'id'], name='alerts_notice_open_idx')],
                'constraints': [models.UniqueConstraint(fields=('callup', 'person', 'kind', 'round_at'), name='alerts_notice_once_per_round')],
            },
        ),
    ]
